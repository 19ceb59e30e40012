using System.Security.Cryptography;
using System.Text;

namespace Peeker.Sandbox.State;

/// <summary>
/// Deterministic fault injection, triggered by a word in the first label of a domain (or the local part of an email).
/// Documented in the README ("Providers and the sandbox") so partners can rehearse failures.
/// </summary>
public static class SandboxFaults
{
    /// <summary>Registrar: the first two calls naming the domain answer HTTP 503.</summary>
    public const string Flaky = "flaky";

    /// <summary>
    /// Registrar: <c>domains.create</c> buys the name but its answer is lost (HTTP 504), and the purchase is still
    /// processing for the next <see cref="LostAnswerProcessingReads"/> <c>domains.getInfo</c> calls: not in the account
    /// yet, while <c>domains.check</c> already reports the name unavailable.
    /// </summary>
    public const string LostAnswer = "lostanswer";

    /// <summary>How many account reads a <see cref="LostAnswer"/> purchase stays invisible for.</summary>
    public const int LostAnswerProcessingReads = 2;

    /// <summary>Cloudflare / Smartlead / Graph: the first call naming the domain answers 429 with <c>Retry-After: 1</c>.</summary>
    public const string RateLimited = "ratelimited";

    /// <summary>Cloudflare: the zone stays <c>pending</c> whatever the nameservers.</summary>
    public const string NsFail = "nsfail";

    /// <summary>Google: the profile photo of a user whose address contains it is rejected.</summary>
    public const string BadPic = "badpic";

    /// <summary>Registrar availability: a label containing it is taken.</summary>
    public const string Taken = "taken";

    /// <summary>Registrar availability: a label containing it (or of three characters or fewer) is premium.</summary>
    public const string Premium = "premium";

    /// <summary>True when <paramref name="name"/>'s first label (or an email's local part) contains <paramref name="fault"/>.</summary>
    public static bool Has(string? name, string fault)
    {
        if (string.IsNullOrEmpty(name))
        {
            return false;
        }

        // A domain's first label, or for an address its local part or its domain's first label.
        var at = name.IndexOf('@', StringComparison.Ordinal);
        var labels = at < 0 ? [name.Split('.')[0]] : new[] { name[..at], name[(at + 1)..].Split('.')[0] };
        return labels.Any(label => label.Contains(fault, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>True for the first <paramref name="times"/> calls of <paramref name="fault"/> on <paramref name="subject"/> (counted in storage).</summary>
    public static async Task<bool> FireAsync(
        SandboxStore store,
        string partner,
        string fault,
        string subject,
        int times,
        CancellationToken cancellationToken
    )
    {
        if (!Has(subject, fault))
        {
            return false;
        }

        return await store.IncrementAsync(partner, fault + ":" + subject, cancellationToken) <= times;
    }

    /// <summary>A stable number in [0, <paramref name="modulo"/>) derived from <paramref name="text"/> (deterministic ids and prices).</summary>
    public static int Hash(string text, int modulo) =>
        (int)(BitConverter.ToUInt32(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToLowerInvariant())), 0) % (uint)modulo);

    /// <summary>Stable lower-case hex id of <paramref name="chars"/> characters.</summary>
    public static string HexId(string text, int chars = 32) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text.ToLowerInvariant())))[..chars];
}

/// <summary>
/// Sandbox credentials are <c>sbx_{partnerId}</c>: the simulators read the partner from them. They only name the
/// partner; access itself is the shared secret <see cref="SandboxGuard"/> checks first.
/// </summary>
public static class SandboxAuth
{
    public const string Prefix = "sbx_";

    public static string? PartnerFromSecret(string? secret) =>
        secret is not null && secret.StartsWith(Prefix, StringComparison.Ordinal) && secret.Length > Prefix.Length
            ? secret[Prefix.Length..]
            : null;

    /// <summary>The partner of an <c>Authorization: Bearer sbx_…</c> header.</summary>
    public static string? PartnerFromBearer(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase)
            ? PartnerFromSecret(header["Bearer ".Length..].Trim())
            : null;
    }
}

/// <summary>
/// In-memory fixed-window request counters per provider and partner (the real providers' rate limits). Bounded: expired
/// windows are dropped when the table is full, and while it is still full a caller without a counter is refused (429)
/// until windows expire, so invented partner ids cannot grow it without end.
/// </summary>
public sealed class SandboxRateLimits(TimeProvider time, int maxCounters = 10_000)
{
    private readonly Dictionary<string, (long ResetsAt, int Count)> _windows = new(StringComparer.Ordinal);
    private readonly Dictionary<string, long> _refused = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Counters currently held.</summary>
    public int Count
    {
        get
        {
            lock (_lock)
            {
                return _windows.Count;
            }
        }
    }

    /// <summary>Counts one call; null when allowed, else the seconds until the window resets.</summary>
    public int? Hit(string provider, string partner, int limit, TimeSpan window)
    {
        var now = time.GetUtcNow().ToUnixTimeSeconds();
        var size = (long)window.TotalSeconds;
        var resetsAt = ((now / size) + 1) * size;
        lock (_lock)
        {
            var key = provider + "|" + partner;
            if (!_windows.TryGetValue(key, out var entry) || entry.ResetsAt <= now)
            {
                if (!_windows.ContainsKey(key) && _windows.Count >= maxCounters && !Sweep(now))
                {
                    return (int)Math.Max(1, _windows.Values.Min(e => e.ResetsAt) - now);
                }

                entry = (resetsAt, 0);
            }

            _windows[key] = (entry.ResetsAt, entry.Count + 1);
            if (entry.Count + 1 <= limit)
            {
                return null;
            }

            // Counted for the harness (is Peeker staying under the documented rate?); bounded like the windows.
            if (_refused.ContainsKey(key) || _refused.Count < maxCounters)
            {
                _refused[key] = _refused.GetValueOrDefault(key) + 1;
            }

            return (int)(entry.ResetsAt - now);
        }
    }

    /// <summary>Calls refused because the partner went over a provider's rate, by provider, since this process started.</summary>
    public IReadOnlyDictionary<string, long> RefusedFor(string partner)
    {
        lock (_lock)
        {
            return _refused
                .Where(e => e.Key.EndsWith("|" + partner, StringComparison.Ordinal))
                .ToDictionary(e => e.Key[..e.Key.IndexOf('|', StringComparison.Ordinal)], e => e.Value, StringComparer.Ordinal);
        }
    }

    // Drops expired windows; true when that made room.
    private bool Sweep(long now)
    {
        foreach (var key in _windows.Where(e => e.Value.ResetsAt <= now).Select(e => e.Key).ToList())
        {
            _windows.Remove(key);
        }

        return _windows.Count < maxCounters;
    }
}
