using System.Diagnostics;

namespace Peeker.Durable.AzureStorage;

/// <summary>Reactions to partition ownership changes: start fetching, drain and hand over, forget a lost partition.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    void IPartitionListener.OnAcquired(int partition, long epoch)
    {
        var stop = CancellationTokenSource.CreateLinkedTokenSource(_stopping?.Token ?? CancellationToken.None);
        _fetchStops[partition] = stop;
        _fetchLoops[partition] = Task.Run(() => FetchLoopAsync(partition, stop.Token), CancellationToken.None);
    }

    async Task IPartitionListener.DrainAsync(int partition, CancellationToken cancellationToken)
    {
        await StopFetchingAsync(partition);
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromSeconds(20))
        {
            lock (_gate)
            {
                if (!_sessions.Values.Any(s => s.Partition == partition && s.Locked))
                {
                    break;
                }
            }

            await Task.Delay(50, cancellationToken);
        }

        List<Received> buffered;
        lock (_gate)
        {
            buffered = [.. _sessions.Values.Where(s => s.Partition == partition && !s.Locked).SelectMany(s => s.Pending)];
            foreach (var s in _sessions.Values.Where(s => s.Partition == partition && !s.Locked))
            {
                s.Pending.Clear();
            }
        }

        // Hand the buffered messages back at once so the next owner need not wait for their visibility timeout.
        await Task.WhenAll(buffered.Select(m => UpdateVisibilityAsync(m, TimeSpan.Zero)));
    }

    void IPartitionListener.OnLost(int partition)
    {
        _ = StopFetchingAsync(partition);
        lock (_gate)
        {
            foreach (var id in _sessions.Where(s => s.Value.Partition == partition && !s.Value.Locked).Select(s => s.Key).ToList())
            {
                _sessions.Remove(id);
            }

            foreach (var session in _sessions.Values.Where(s => s.Partition == partition))
            {
                session.Pending.Clear();
                session.Evicted = true;
            }
        }
    }

    private async Task StopFetchingAsync(int partition)
    {
        if (_fetchStops.TryRemove(partition, out var stop))
        {
            await stop.CancelAsync();
            if (_fetchLoops.TryRemove(partition, out var loop))
            {
                await loop;
            }

            stop.Dispose();
        }
    }
}
