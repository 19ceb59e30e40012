using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Internal;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Domains;

/// <summary>One registrar answer as cached: what a row of <c>Peeker{Env}Availability</c> holds.</summary>
public sealed record AvailabilityAnswer(
    bool Available,
    bool Premium,
    long? PriceCents,
    long? RenewalPriceCents,
    string? Currency,
    DateTimeOffset CheckedAt,
    bool UnsupportedTld = false
);

/// <summary>
/// This host's in-process copy of fresh <c>Peeker{Env}Availability</c> rows, so a repeated check answers without a
/// table read. The table stays the cache other hosts share; an entry lives here only for what is left of its table
/// validity (absolute expiry on the injected <see cref="TimeProvider"/>), so both layers agree on when a name is
/// re-checked. Bounded by <see cref="PeekerOptions.AvailabilityMemoryEntries"/> entries (one unit each).
/// </summary>
public sealed class AvailabilityMemoryCache : IDisposable
{
    private readonly MemoryCache _cache;
    private readonly TimeProvider _time;

    /// <summary>A cache of at most <see cref="PeekerOptions.AvailabilityMemoryEntries"/> names on <paramref name="time"/>.</summary>
    public AvailabilityMemoryCache(TimeProvider time, IOptions<PeekerOptions> options)
    {
        _time = time;
        _cache = new MemoryCache(new MemoryCacheOptions { SizeLimit = options.Value.AvailabilityMemoryEntries, Clock = new Clock(time) });
    }

    /// <summary>The still-fresh answer for <paramref name="name"/>, or null.</summary>
    public AvailabilityAnswer? Get(ProviderScope scope, string name) =>
        _cache.TryGetValue(Key(scope, name), out AvailabilityAnswer? answer)
        && answer is not null
        && _time.GetUtcNow() - answer.CheckedAt < DomainAvailabilityService.Freshness
            ? answer
            : null;

    /// <summary>Keeps <paramref name="answer"/> until its table validity ends; an already expired answer is not kept.</summary>
    public void Set(ProviderScope scope, string name, AvailabilityAnswer answer)
    {
        var expires = answer.CheckedAt + DomainAvailabilityService.Freshness;
        if (expires > _time.GetUtcNow())
        {
            _cache.Set(Key(scope, name), answer, new MemoryCacheEntryOptions { AbsoluteExpiration = expires, Size = 1 });
        }
    }

    /// <inheritdoc />
    public void Dispose() => _cache.Dispose();

    // The sandbox registrar keeps state per partner and each environment has its own table, as in the table's keys.
    private static string Key(ProviderScope scope, string name) => $"{scope.Environment}|{scope.PartnerId}|{name}";

    private sealed class Clock(TimeProvider time) : ISystemClock
    {
        public DateTimeOffset UtcNow => time.GetUtcNow();
    }
}
