using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// Fixed one-minute windows per API key (<c>Peeker:RateLimitPerMinute</c>, default 600). Live and sandbox keys are
/// different keys, so their counters are independent. Per host process.
/// </summary>
public sealed class RateLimiter(TimeProvider time, IOptions<PeekerOptions> options)
{
    private readonly Dictionary<string, (long Window, int Count)> _windows = new(StringComparer.Ordinal);
    private readonly Lock _lock = new();

    /// <summary>Null when the request may proceed, else the seconds until the window resets (at least 1).</summary>
    public int? TryAcquire(string keyId)
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var window = now / 60_000;
        lock (_lock)
        {
            var current = _windows.TryGetValue(keyId, out var w) && w.Window == window ? w.Count : 0;
            if (current >= options.Value.RateLimitPerMinute)
            {
                return (int)Math.Max(1, Math.Ceiling(((window + 1) * 60_000 - now) / 1000.0));
            }

            if (_windows.Count > 100_000)
            {
                _windows.Clear();
            }

            _windows[keyId] = (window, current + 1);
            return null;
        }
    }
}
