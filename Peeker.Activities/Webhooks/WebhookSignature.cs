using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Peeker.Activities.Webhooks;

/// <summary>Why <see cref="WebhookSignature.Verify(string, IReadOnlyDictionary{string, string}, byte[], TimeSpan, TimeProvider)"/> accepted or rejected a delivery.</summary>
public enum WebhookVerification
{
    /// <summary>One of the <c>v1=</c> signatures matches and the timestamp is within the tolerance.</summary>
    Valid,

    /// <summary><c>Peeker-Timestamp</c> or <c>Peeker-Signature</c> is missing.</summary>
    MissingHeader,

    /// <summary><c>Peeker-Timestamp</c> is not Unix seconds, or <c>Peeker-Signature</c> has no well-formed <c>v1=</c> value.</summary>
    MalformedHeader,

    /// <summary>The timestamp is older than the tolerance (a replay, or a very slow delivery).</summary>
    TimestampTooOld,

    /// <summary>The timestamp is further in the future than the tolerance (a clock problem, or forged).</summary>
    TimestampInFuture,

    /// <summary>No <c>v1=</c> value is the HMAC of this body with this secret.</summary>
    SignatureMismatch,
}

/// <summary>
/// Peeker webhook signatures, scheme <c>v1</c>: <c>Peeker-Signature: v1=&lt;lowercase hex HMAC-SHA256&gt;</c> where the
/// HMAC key is the UTF-8 bytes of the whole secret (<c>whsec_…</c>, prefix included) and the message is the UTF-8 bytes of
/// <c>"{Peeker-Timestamp}.{raw body}"</c>. During a secret rotation the header carries two values separated by a space
/// (<c>v1=… v1=…</c>); a receiver accepts the delivery when any value matches its secret.
/// </summary>
public static class WebhookSignature
{
    /// <summary>Header carrying the event id (<c>evt_…</c>), the same on every retry.</summary>
    public const string EventIdHeader = "Peeker-Event-Id";

    /// <summary>Header carrying the Unix seconds at signing time.</summary>
    public const string TimestampHeader = "Peeker-Timestamp";

    /// <summary>Header carrying one or more <c>v1=&lt;hex&gt;</c> values.</summary>
    public const string SignatureHeader = "Peeker-Signature";

    /// <summary>The tolerance we recommend to receivers: five minutes either way.</summary>
    public static readonly TimeSpan DefaultTolerance = TimeSpan.FromMinutes(5);

    private const string Scheme = "v1=";

    /// <summary>The lowercase hex HMAC-SHA256 of <c>"{timestamp}.{body}"</c> keyed with <paramref name="secret"/>.</summary>
    public static string ComputeSignature(string secret, long timestamp, ReadOnlySpan<byte> body)
    {
        ArgumentException.ThrowIfNullOrEmpty(secret);
        var prefix = Encoding.UTF8.GetBytes(timestamp.ToString(CultureInfo.InvariantCulture) + ".");
        var message = new byte[prefix.Length + body.Length];
        prefix.CopyTo(message, 0);
        body.CopyTo(message.AsSpan(prefix.Length));
        return Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), message));
    }

    /// <summary>The <c>Peeker-Signature</c> value for one or more secrets (current first, then the one being retired).</summary>
    public static string BuildHeader(IEnumerable<string> secrets, long timestamp, ReadOnlySpan<byte> body)
    {
        var values = new List<string>();
        foreach (var secret in secrets)
        {
            values.Add(Scheme + ComputeSignature(secret, timestamp, body));
        }

        if (values.Count == 0)
        {
            throw new ArgumentException("At least one secret is required.", nameof(secrets));
        }

        return string.Join(' ', values);
    }

    /// <summary>
    /// Verifies a delivery: both headers present and well formed, timestamp within <paramref name="tolerance"/> of
    /// <paramref name="time"/>'s now, and at least one <c>v1=</c> value equal (constant-time) to the expected HMAC.
    /// Header names are matched case-insensitively. Verify the raw bytes you received, before parsing the JSON.
    /// </summary>
    public static WebhookVerification Verify(
        string secret,
        IReadOnlyDictionary<string, string> headers,
        byte[] rawBody,
        TimeSpan tolerance,
        TimeProvider time
    )
    {
        ArgumentNullException.ThrowIfNull(headers);
        ArgumentNullException.ThrowIfNull(rawBody);
        ArgumentNullException.ThrowIfNull(time);
        var timestampText = Find(headers, TimestampHeader);
        var signatureText = Find(headers, SignatureHeader);
        if (timestampText is null || signatureText is null)
        {
            return WebhookVerification.MissingHeader;
        }

        if (!long.TryParse(timestampText, NumberStyles.None, CultureInfo.InvariantCulture, out var timestamp))
        {
            return WebhookVerification.MalformedHeader;
        }

        var candidates = ParseSignatures(signatureText);
        if (candidates is null)
        {
            return WebhookVerification.MalformedHeader;
        }

        var now = time.GetUtcNow().ToUnixTimeSeconds();
        if (timestamp < now - (long)tolerance.TotalSeconds)
        {
            return WebhookVerification.TimestampTooOld;
        }

        if (timestamp > now + (long)tolerance.TotalSeconds)
        {
            return WebhookVerification.TimestampInFuture;
        }

        var expected = Convert.FromHexString(ComputeSignature(secret, timestamp, rawBody));
        var matched = false;
        foreach (var candidate in candidates)
        {
            // Every candidate is compared (no early exit) so timing does not reveal which one matched.
            matched |= CryptographicOperations.FixedTimeEquals(expected, candidate);
        }

        return matched ? WebhookVerification.Valid : WebhookVerification.SignatureMismatch;
    }

    /// <summary>Verifies a body received as a string (its UTF-8 bytes are what was signed).</summary>
    public static WebhookVerification Verify(
        string secret,
        IReadOnlyDictionary<string, string> headers,
        string rawBody,
        TimeSpan tolerance,
        TimeProvider time
    ) => Verify(secret, headers, Encoding.UTF8.GetBytes(rawBody), tolerance, time);

    private static string? Find(IReadOnlyDictionary<string, string> headers, string name)
    {
        foreach (var (key, value) in headers)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
            {
                return value;
            }
        }

        return null;
    }

    /// <summary>The decoded <c>v1=</c> values (space- or comma-separated), or null when none is well formed.</summary>
    private static List<byte[]>? ParseSignatures(string header)
    {
        var result = new List<byte[]>();
        foreach (var part in header.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!part.StartsWith(Scheme, StringComparison.Ordinal))
            {
                continue; // Unknown schemes are skipped so a future v2 can be added alongside v1.
            }

            var hex = part[Scheme.Length..];
            if (hex.Length != 64 || !hex.All(char.IsAsciiHexDigitLower))
            {
                return null;
            }

            result.Add(Convert.FromHexString(hex));
        }

        return result.Count == 0 ? null : result;
    }
}
