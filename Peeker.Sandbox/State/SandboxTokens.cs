using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;

namespace Peeker.Sandbox.State;

/// <summary>
/// What a simulated access token grants: an audience (<c>google</c>, <c>partnercenter</c>, <c>graph</c>), a partner, a
/// tenant, and for an app+user token the signed-in user (Partner Center's app+user flow).
/// </summary>
public sealed record SandboxTokenGrant(string Audience, string Partner, string? Tenant, string? User = null);

/// <summary>
/// Access tokens the simulated token endpoints issue and the simulated APIs check, like the real ones: opaque to the
/// caller, bound to an audience, expiring. They are self-contained (<c>sbxat.{payload}.{HMAC-SHA256 with the shared
/// secret}</c>), so any simulator process with the same secret accepts them and nothing is stored. A token that is
/// forged, for another audience, or expired (by the injected clock) is refused.
/// </summary>
public sealed class SandboxTokens(IOptions<SandboxOptions> options, TimeProvider time)
{
    private const string Prefix = "sbxat.";

    /// <summary>The token endpoints' clock (also the one assertion lifetimes are checked against).</summary>
    public DateTimeOffset UtcNow => time.GetUtcNow();

    /// <summary>Issues a token for <paramref name="grant"/>; returns it and its lifetime in seconds.</summary>
    public (string Token, long ExpiresIn) Issue(SandboxTokenGrant grant) => Issue(grant, options.Value.TokenLifetime);

    /// <summary>Issues a token for <paramref name="grant"/> living <paramref name="lifetime"/> (refresh tokens live longer).</summary>
    public (string Token, long ExpiresIn) Issue(SandboxTokenGrant grant, TimeSpan lifetime)
    {
        var payload = JsonSerializer.SerializeToUtf8Bytes(
            new Payload(
                grant.Audience,
                grant.Partner,
                grant.Tenant,
                (time.GetUtcNow() + lifetime).ToUnixTimeSeconds(),
                Convert.ToHexString(RandomNumberGenerator.GetBytes(8)),
                grant.User
            )
        );
        var body = Base64Url(payload);
        return (Prefix + body + "." + Base64Url(Sign(body)), (long)lifetime.TotalSeconds);
    }

    /// <summary>The grant of a valid, unexpired token for <paramref name="audience"/>; null otherwise.</summary>
    public SandboxTokenGrant? Validate(string? token, string audience)
    {
        if (
            token is null
            || !token.StartsWith(Prefix, StringComparison.Ordinal)
            || token[Prefix.Length..].Split('.') is not [var body, var signature]
        )
        {
            return null;
        }

        try
        {
            if (!CryptographicOperations.FixedTimeEquals(Sign(body), FromBase64Url(signature)))
            {
                return null;
            }

            var p = JsonSerializer.Deserialize<Payload>(FromBase64Url(body));
            return p is null || p.Aud != audience || p.Exp <= time.GetUtcNow().ToUnixTimeSeconds()
                ? null
                : new SandboxTokenGrant(p.Aud, p.Sub, p.Tid, p.Usr);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return null;
        }
    }

    /// <summary>The grant of the request's <c>Authorization: Bearer</c> token for <paramref name="audience"/>; null when missing or refused.</summary>
    public SandboxTokenGrant? FromBearer(HttpRequest request, string audience)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? Validate(header["Bearer ".Length..].Trim(), audience)
            : null;
    }

    private byte[] Sign(string body) =>
        HMACSHA256.HashData(Encoding.UTF8.GetBytes("access-token:" + options.Value.Secret), Encoding.ASCII.GetBytes(body));

    internal static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    internal static byte[] FromBase64Url(string text)
    {
        var s = text.Replace('-', '+').Replace('_', '/');
        return Convert.FromBase64String(s + new string('=', (4 - (s.Length % 4)) % 4));
    }

    private sealed record Payload(string Aud, string Sub, string? Tid, long Exp, string Jti, string? Usr = null);
}
