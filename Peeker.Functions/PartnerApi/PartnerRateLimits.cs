using System.Net;
using System.Net.Sockets;
using System.Threading.RateLimiting;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// The Partner API's limits (spec 2.4 and our additions), each answering 429 <c>rate_limited</c> with
/// <c>details.retry_after_seconds</c>:
/// <list type="bullet">
/// <item>per API key, <c>Peeker:RateLimitPerMinute</c> (600) across all hosts: <see cref="SharedWindowRateLimiter"/>;</item>
/// <item>per partner and environment, <c>Peeker:AvailabilityNamesPerMinute</c> names sent to availability checks,
/// across all hosts (the registrar's quota is the account's, not a key's);</item>
/// <item>per client address, <c>Peeker:UnauthenticatedPerMinute</c> failed authentications per host, checked before the
/// key lookup, so a flood of bad keys stops costing table reads once the address is over it.</item>
/// </list>
/// </summary>
public sealed class PartnerRateLimits : IDisposable
{
    /// <summary>The shared table of window counters.</summary>
    public const string TableName = "PeekerRateLimits";

    private readonly SharedWindowRateLimiter _keys;
    private readonly SharedWindowRateLimiter _names;
    private readonly PartitionedRateLimiter<string> _failures;
    private readonly PeekerOptions _settings;

    /// <summary>Builds the limiters over the shared <c>PeekerRateLimits</c> table.</summary>
    public PartnerRateLimits(PeekerTables tables, IOptions<PeekerOptions> options, TimeProvider time, ILogger<PartnerRateLimits> logger)
    {
        var settings = _settings = options.Value;
        var table = tables.Shared(TableName);
        _keys = new SharedWindowRateLimiter(table, "key", () => settings.RateLimitPerMinute, settings.RateLimitReservation, time, logger);
        _names = new SharedWindowRateLimiter(
            table,
            "names",
            () => settings.AvailabilityNamesPerMinute,
            settings.RateLimitReservation,
            time,
            logger
        );

        // In-memory per host: it protects this host's table reads, and needs no storage to say no.
        _failures = PartitionedRateLimiter.Create<string, string>(address =>
            RateLimitPartition.GetFixedWindowLimiter(
                address,
                _ => new FixedWindowRateLimiterOptions
                {
                    PermitLimit = settings.UnauthenticatedPerMinute,
                    Window = SharedWindowRateLimiter.Window,
                    QueueLimit = 0,
                    AutoReplenishment = true,
                }
            )
        );
    }

    /// <summary>Before any key lookup: 429 when <paramref name="http"/>'s address is out of failed-authentication budget.</summary>
    public void ThrowIfAddressBlocked(HttpContext http)
    {
        // Zero permits: asks whether any are left, spends none.
        using var lease = _failures.AttemptAcquire(ClientAddress(http), 0);
        if (!lease.IsAcquired)
        {
            throw Limited("Too many failed authentication attempts from this address.", lease, null);
        }
    }

    /// <summary>Counts a failed authentication (401) against <paramref name="http"/>'s address.</summary>
    public void RecordFailedAuthentication(HttpContext http)
    {
        using var _ = _failures.AttemptAcquire(ClientAddress(http), 1);
    }

    /// <summary>One request of <paramref name="keyId"/>; 429 over the per-key limit.</summary>
    public async Task AcquireKeyAsync(string keyId, CancellationToken cancellationToken)
    {
        using var lease = await _keys.AcquireAsync(keyId, 1, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw Limited("Too many requests for this API key.", lease, null);
        }
    }

    /// <summary><paramref name="names"/> availability look-ups for the partner; 429 over its registrar budget.</summary>
    public async Task AcquireAvailabilityAsync(PartnerContext caller, int names, CancellationToken cancellationToken)
    {
        if (names == 0)
        {
            return;
        }

        using var lease = await _names.AcquireAsync($"{caller.Env}:{caller.Partner.Id}", names, cancellationToken);
        if (!lease.IsAcquired)
        {
            throw Limited(
                "Too many domain names checked for availability this minute.",
                lease,
                new Dictionary<string, object?>
                {
                    ["reason"] = "availability_budget",
                    ["names_per_minute"] = _settings.AvailabilityNamesPerMinute,
                    ["requested_names"] = names,
                }
            );
        }
    }

    /// <summary>The partition of a client: its IP, with IPv6 cut to the /64 a single host usually holds.</summary>
    public static string ClientAddress(HttpContext http)
    {
        var address = http.Connection.RemoteIpAddress;
        if (address is null)
        {
            return "unknown";
        }

        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }

        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            var bytes = address.GetAddressBytes();
            Array.Clear(bytes, 8, 8);
            return new IPAddress(bytes) + "/64";
        }

        return address.ToString();
    }

    private static ApiException Limited(string message, RateLimitLease lease, Dictionary<string, object?>? details)
    {
        var seconds = lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter) ? (int)Math.Ceiling(retryAfter.TotalSeconds) : 60;
        details ??= [];
        details["retry_after_seconds"] = Math.Max(1, seconds);
        return new ApiException(429, ErrorCodes.RateLimited, message, null, details);
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _keys.Dispose();
        _names.Dispose();
        _failures.Dispose();
    }
}
