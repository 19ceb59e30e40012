using System.Collections.Concurrent;
using System.Threading.RateLimiting;
using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// A fixed-window counter per partition (API key, partner...) shared by every host through one table row
/// (<c>PeekerRateLimits</c>, PartitionKey = <c>{scope}:{id}</c>: <c>Window</c> = minute number, <c>Count</c> = permits
/// handed out in it), so N hosts together grant at most <c>limit</c> permits per window.
/// </summary>
/// <remarks>
/// Hosts do not go to storage per request: each reserves a block of permits (<c>reservation</c>, at most half of what
/// is left in the window) with an ETag-conditional increment and spends it locally; a conflict re-reads the row and
/// tries again. So the sum of grants never exceeds the limit; a block a host reserved but did not spend before the
/// window ends is lost (at most <c>reservation - 1</c> per host per window), which is the price of one storage round
/// trip per block instead of per request. If storage fails the request is allowed (logged): the key lookup has just read the same
/// account, so this is a blip, and refusing every partner on a storage blip would be worse than a short overrun.
/// <c>AcquireAsync</c> never queues: it answers at once, with <see cref="MetadataName.RetryAfter"/> (time to the
/// next window) on a refusal.
/// </remarks>
public sealed partial class SharedWindowRateLimiter(
    TableClient table,
    string scope,
    Func<int> limit,
    int reservation,
    TimeProvider time,
    ILogger logger
) : PartitionedRateLimiter<string>
{
    /// <summary>The fixed window.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private const int MaxConflicts = 20;

    private readonly ConcurrentDictionary<string, Bucket> _buckets = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public override RateLimiterStatistics? GetStatistics(string resource) =>
        _buckets.TryGetValue(resource, out var bucket) ? new RateLimiterStatistics { CurrentAvailablePermits = bucket.Available } : null;

    /// <summary>Spends only permits this host already reserved (no I/O); use <c>AcquireAsync</c> to reserve more.</summary>
    protected override RateLimitLease AttemptAcquireCore(string resource, int permitCount)
    {
        var bucket = _buckets.GetOrAdd(resource, _ => new Bucket());
        if (!bucket.Gate.Wait(0))
        {
            return WindowLease.Refused(null);
        }

        try
        {
            var (window, _) = Now();
            return bucket.Window == window && bucket.Available >= permitCount ? Take(bucket, permitCount) : WindowLease.Refused(null);
        }
        finally
        {
            bucket.Gate.Release();
        }
    }

    /// <inheritdoc />
    protected override async ValueTask<RateLimitLease> AcquireAsyncCore(
        string resource,
        int permitCount,
        CancellationToken cancellationToken
    )
    {
        var bucket = _buckets.GetOrAdd(resource, _ => new Bucket());
        await bucket.Gate.WaitAsync(cancellationToken);
        try
        {
            var (window, retryAfter) = Now();
            if (bucket.Window != window)
            {
                bucket.Window = window;
                bucket.Available = 0;
            }

            if (bucket.Available >= permitCount)
            {
                return Take(bucket, permitCount);
            }

            if (permitCount > limit())
            {
                return WindowLease.Refused(retryAfter);
            }

            try
            {
                bucket.Available += await ReserveAsync(resource, bucket, window, permitCount - bucket.Available, cancellationToken);
            }
            catch (Exception ex) when (ex is RequestFailedException or TimeoutException or InvalidOperationException)
            {
                LogStorageFailed(ex, scope);
                return WindowLease.Granted;
            }

            return bucket.Available >= permitCount ? Take(bucket, permitCount) : WindowLease.Refused(retryAfter);
        }
        finally
        {
            bucket.Gate.Release();
        }
    }

    /// <summary>
    /// Adds at least <paramref name="needed"/> permits to the shared count of <paramref name="window"/> and returns how
    /// many it took: a block of up to <c>reservation</c>, but never more than half of what is left (so the last permits
    /// of a window go to the hosts that ask for them, not to the first one); 0 when fewer than needed are left.
    /// </summary>
    private async Task<int> ReserveAsync(string resource, Bucket bucket, long window, int needed, CancellationToken cancellationToken)
    {
        var partitionKey = $"{scope}:{resource}";
        for (var attempt = 0; attempt < MaxConflicts; attempt++)
        {
            if (!bucket.Known)
            {
                var row = await table.FindAsync(partitionKey, "", cancellationToken);
                bucket.Known = true;
                bucket.ETag = row?.ETag;
                bucket.StoredWindow = row?.GetInt64("Window") ?? -1;
                bucket.StoredCount = row?.GetInt32("Count") ?? 0;
            }

            // Counts only grow within a window, so a cached count that is already full is full.
            var used = bucket.StoredWindow == window ? bucket.StoredCount : 0;
            var left = limit() - used;
            if (left < needed)
            {
                return 0;
            }

            var take = Math.Max(needed, Math.Min(reservation, (left + 1) / 2));

            var entity = new TableEntity(partitionKey, "") { ["Window"] = window, ["Count"] = used + take };
            try
            {
                var response = bucket.ETag is { } etag
                    ? await table.UpdateEntityAsync(entity, etag, TableUpdateMode.Replace, cancellationToken)
                    : await table.AddEntityAsync(entity, cancellationToken);
                bucket.ETag = response.Headers.ETag;
                bucket.StoredWindow = window;
                bucket.StoredCount = used + take;
                return take;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Another host wrote first: read its count and try again.
                bucket.Known = false;
            }
        }

        throw new InvalidOperationException($"Rate-limit row {partitionKey} kept changing under {MaxConflicts} attempts.");
    }

    private (long Window, TimeSpan RetryAfter) Now()
    {
        var now = time.GetUtcNow().ToUnixTimeMilliseconds();
        var length = (long)Window.TotalMilliseconds;
        var window = now / length;
        return (window, TimeSpan.FromMilliseconds((window + 1) * length - now));
    }

    private static WindowLease Take(Bucket bucket, int permitCount)
    {
        bucket.Available -= permitCount;
        return WindowLease.Granted;
    }

    /// <inheritdoc />
    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            foreach (var bucket in _buckets.Values)
            {
                bucket.Gate.Dispose();
            }
        }

        base.Dispose(disposing);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Rate limit {Scope}: storage failed, request allowed")]
    private partial void LogStorageFailed(Exception exception, string scope);

    /// <summary>This host's view of one partition: the permits it reserved and the last row it saw.</summary>
    private sealed class Bucket
    {
        public SemaphoreSlim Gate { get; } = new(1, 1);

        public long Window { get; set; } = -1;

        public int Available { get; set; }

        public bool Known { get; set; }

        public ETag? ETag { get; set; }

        public long StoredWindow { get; set; } = -1;

        public int StoredCount { get; set; }
    }
}

/// <summary>A lease that holds nothing to release (a window's permits are spent, not returned), with its retry-after.</summary>
public sealed class WindowLease : RateLimitLease
{
    private readonly TimeSpan? _retryAfter;

    private WindowLease(bool acquired, TimeSpan? retryAfter)
    {
        IsAcquired = acquired;
        _retryAfter = retryAfter;
    }

    /// <summary>A granted lease.</summary>
    public static WindowLease Granted { get; } = new(true, null);

    /// <inheritdoc />
    public override bool IsAcquired { get; }

    /// <inheritdoc />
    public override IEnumerable<string> MetadataNames => _retryAfter is null ? [] : [MetadataName.RetryAfter.Name];

    /// <summary>A refusal; the caller may retry after <paramref name="retryAfter"/> (null: unknown).</summary>
    public static WindowLease Refused(TimeSpan? retryAfter) => new(false, retryAfter);

    /// <inheritdoc />
    public override bool TryGetMetadata(string metadataName, out object? metadata)
    {
        metadata = metadataName == MetadataName.RetryAfter.Name ? _retryAfter : null;
        return metadata is not null;
    }
}
