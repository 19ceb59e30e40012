using System.Collections.Concurrent;
using System.Globalization;
using Azure;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Blobs.Specialized;
using Microsoft.Extensions.Logging;

namespace Peeker.Durable.AzureStorage;

/// <summary>What the backend does when partition ownership changes.</summary>
internal interface IPartitionListener
{
    /// <summary>The partition was acquired with a new epoch: start fetching its control queue.</summary>
    void OnAcquired(int partition, long epoch);

    /// <summary>The partition is being handed over: stop taking work, let running episodes finish, return buffered messages.</summary>
    Task DrainAsync(int partition, CancellationToken cancellationToken);

    /// <summary>The lease was lost (expired or taken): forget everything about the partition.</summary>
    void OnLost(int partition);
}

/// <summary>
/// Partition ownership through blob leases in <c>{hub}-leases/ownership/{queue}</c>. Each acquisition raises the
/// partition's epoch (blob metadata); the epoch is the fencing token written with every checkpoint. Live workers
/// announce themselves with heartbeat blobs (<c>workers/{id}</c>); each worker aims at ceil(partitions / workers)
/// and hands extra partitions over cleanly (drain, then release) so that others can take them.
/// </summary>
internal sealed partial class PartitionManager(
    BlobContainerClient container,
    AzureStorageOptions options,
    string workerId,
    TimeProvider time,
    IPartitionListener listener,
    ILogger logger) : IDisposable
{
    private readonly ConcurrentDictionary<int, Owned> _owned = new();
    private CancellationTokenSource? _stop;
    private Task _loop = Task.CompletedTask;

    public string WorkerId => workerId;

    public void Dispose() => _stop?.Dispose();

    /// <summary>Partitions this worker owns now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => [.. _owned.Keys.Order()];

    public static string LeaseBlobName(string hub, int partition) => "ownership/" + StorageNames.ControlQueue(hub, partition);

    /// <summary>True while this worker holds the partition's lease with <paramref name="epoch"/> and renewed it recently.</summary>
    public bool IsOwned(int partition, long epoch) =>
        _owned.TryGetValue(partition, out var owned) && owned.Epoch == epoch && !owned.Draining
        && time.GetUtcNow() - owned.RenewedAt < options.LeaseInterval - TimeSpan.FromSeconds(2);

    public bool TryGetEpoch(int partition, out long epoch)
    {
        epoch = _owned.TryGetValue(partition, out var owned) && !owned.Draining ? owned.Epoch : 0;
        return epoch > 0;
    }

    public async Task CreateLeaseBlobsAsync(CancellationToken cancellationToken)
    {
        for (var p = 0; p < options.PartitionCount; p++)
        {
            var blob = container.GetBlobClient(LeaseBlobName(options.HubName, p));
            try
            {
                await blob.UploadAsync(BinaryData.Empty, new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Already there (possibly leased by another worker).
            }
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _stop = new CancellationTokenSource();
        await RunOnceAsync(cancellationToken);
        _loop = LoopAsync(_stop.Token);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (_stop is null)
        {
            return;
        }

        await _stop.CancelAsync();
        if (_loop is not null)
        {
            // Null when a stop races a start that has not finished its first pass.
            await _loop;
        }

        foreach (var partition in _owned.Keys.ToList())
        {
            await ReleaseAsync(partition, cancellationToken);
        }

        try
        {
            await container.DeleteBlobIfExistsAsync("workers/" + workerId, cancellationToken: cancellationToken);
        }
        catch (RequestFailedException)
        {
            // A stale heartbeat expires by itself.
        }

        _stop.Dispose();
        _stop = null;
    }

    /// <summary>Test hook: stop the lease loop but keep believing in the leases (a stalled worker).</summary>
    internal async Task PauseAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _loop;
        }
    }

    /// <summary>Simulates a crash for tests: stop renewing and forget the leases without releasing them.</summary>
    internal async Task AbandonAsync()
    {
        if (_stop is not null)
        {
            await _stop.CancelAsync();
            await _loop;
        }

        foreach (var partition in _owned.Keys.ToList())
        {
            _owned.TryRemove(partition, out _);
            listener.OnLost(partition);
        }
    }

    private async Task LoopAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(options.LeaseRenewInterval, time, stop);
                await RunOnceAsync(stop);
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException or TimeoutException)
            {
                LogLeaseLoopFailed(ex);
            }
        }
    }

    private async Task RunOnceAsync(CancellationToken cancellationToken)
    {
        await container.GetBlobClient("workers/" + workerId).UploadAsync(BinaryData.FromString(workerId), overwrite: true, cancellationToken);
        var now = time.GetUtcNow();
        var live = new HashSet<string>(StringComparer.Ordinal) { workerId };
        var leases = new Dictionary<int, BlobItem>();
        await foreach (var blob in container.GetBlobsAsync(new GetBlobsOptions { Traits = BlobTraits.Metadata }, cancellationToken))
        {
            if (blob.Name.StartsWith("workers/", StringComparison.Ordinal))
            {
                if (now - blob.Properties.LastModified < options.LeaseRenewInterval * 3)
                {
                    live.Add(blob.Name["workers/".Length..]);
                }
            }
            else
            {
                for (var p = 0; p < options.PartitionCount; p++)
                {
                    if (blob.Name == LeaseBlobName(options.HubName, p))
                    {
                        leases[p] = blob;
                    }
                }
            }
        }

        await RenewAsync(cancellationToken);
        var target = (options.PartitionCount + live.Count - 1) / live.Count;
        var owners = leases.Values
            .Where(b => b.Properties.LeaseState == LeaseState.Leased && b.Metadata.TryGetValue("owner", out _))
            .GroupBy(b => b.Metadata["owner"], StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        // Hand one partition over when another live worker has fewer than its fair share and this worker is the
        // most loaded one (ties go to the smallest id, so two workers never both give one up in the same round).
        owners[workerId] = _owned.Count;
        var fair = options.PartitionCount / live.Count;
        var starving = live.Any(w => w != workerId && owners.GetValueOrDefault(w) < fair);
        var most = owners.Where(o => live.Contains(o.Key)).Max(o => o.Value);
        var first = owners.Where(o => live.Contains(o.Key) && o.Value == most).Select(o => o.Key).Min(StringComparer.Ordinal);
        if (starving && _owned.Count > fair && _owned.Count == most && first == workerId && _owned.Count > 1)
        {
            var give = _owned.Keys.Max();
            LogHandingOver(give, workerId);
            await ReleaseAsync(give, cancellationToken);
            return;
        }

        foreach (var (partition, blob) in leases.OrderBy(l => l.Key))
        {
            if (_owned.Count >= target)
            {
                break;
            }

            if (!_owned.ContainsKey(partition) && blob.Properties.LeaseState != LeaseState.Leased && blob.Properties.LeaseState != LeaseState.Breaking)
            {
                await TryAcquireAsync(partition, cancellationToken);
            }
        }
    }

    private async Task RenewAsync(CancellationToken cancellationToken)
    {
        foreach (var (partition, owned) in _owned)
        {
            try
            {
                await owned.Lease.RenewAsync(cancellationToken: cancellationToken);
                owned.RenewedAt = time.GetUtcNow();
            }
            catch (RequestFailedException ex)
            {
                LogLeaseLost(partition, ex.ErrorCode);
                _owned.TryRemove(partition, out _);
                listener.OnLost(partition);
            }
        }
    }

    private async Task TryAcquireAsync(int partition, CancellationToken cancellationToken)
    {
        var blob = container.GetBlobClient(LeaseBlobName(options.HubName, partition));
        var lease = blob.GetBlobLeaseClient(Guid.NewGuid().ToString());
        try
        {
            await lease.AcquireAsync(options.LeaseInterval, cancellationToken: cancellationToken);
            var properties = await blob.GetPropertiesAsync(new BlobRequestConditions { LeaseId = lease.LeaseId }, cancellationToken);
            var epoch = properties.Value.Metadata.TryGetValue("epoch", out var text) && long.TryParse(text, CultureInfo.InvariantCulture, out var e) ? e + 1 : 1;
            await blob.SetMetadataAsync(
                new Dictionary<string, string> { ["owner"] = workerId, ["epoch"] = epoch.ToString(CultureInfo.InvariantCulture) },
                new BlobRequestConditions { LeaseId = lease.LeaseId },
                cancellationToken);
            _owned[partition] = new Owned(lease, epoch) { RenewedAt = time.GetUtcNow() };
            LogAcquired(partition, epoch, workerId);
            listener.OnAcquired(partition, epoch);
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // Someone else was faster.
        }
    }

    private async Task ReleaseAsync(int partition, CancellationToken cancellationToken)
    {
        if (!_owned.TryGetValue(partition, out var owned))
        {
            return;
        }

        owned.Draining = true;
        try
        {
            await listener.DrainAsync(partition, cancellationToken);
        }
        finally
        {
            _owned.TryRemove(partition, out _);
            listener.OnLost(partition);
        }

        try
        {
            await owned.Lease.ReleaseAsync(cancellationToken: cancellationToken);
        }
        catch (RequestFailedException ex)
        {
            LogLeaseLost(partition, ex.ErrorCode);
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} acquired with epoch {Epoch} by {Worker}.")]
    private partial void LogAcquired(int partition, long epoch, string worker);

    [LoggerMessage(Level = LogLevel.Information, Message = "Partition {Partition} handed over by {Worker} to balance the load.")]
    private partial void LogHandingOver(int partition, string worker);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lease of partition {Partition} lost ({Code}).")]
    private partial void LogLeaseLost(int partition, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Partition lease loop failed; retrying.")]
    private partial void LogLeaseLoopFailed(Exception exception);

    private sealed class Owned(BlobLeaseClient lease, long epoch)
    {
        public BlobLeaseClient Lease { get; } = lease;

        public long Epoch { get; } = epoch;

        public DateTimeOffset RenewedAt { get; set; }

        public bool Draining { get; set; }
    }
}
