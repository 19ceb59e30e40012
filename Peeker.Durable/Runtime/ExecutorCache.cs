using System.Collections.Concurrent;

namespace Peeker.Durable.Runtime;

/// <summary>
/// Keeps live executors between episodes (like DTFx extended sessions): when the stored history is exactly what the
/// cached executor has seen, the next episode applies only its new events instead of replaying everything.
/// </summary>
internal sealed class ExecutorCache(TimeProvider time, TimeSpan idleTimeout, int capacity = 2000)
{
    private readonly ConcurrentDictionary<string, Entry> _entries = new(StringComparer.Ordinal);

    /// <summary>Number of cached executors.</summary>
    public int Count => _entries.Count;

    /// <summary>Takes the executor for <paramref name="instanceId"/> if it has seen exactly <paramref name="historyCount"/> events of that execution.</summary>
    public OrchestrationExecutor? TryTake(string instanceId, string executionId, int historyCount)
    {
        if (!_entries.TryRemove(instanceId, out var entry))
        {
            return null;
        }

        var fresh = time.GetUtcNow() - entry.LastUsed < idleTimeout;
        return fresh && entry.Executor.ExecutionId == executionId && entry.Executor.EventCount == historyCount ? entry.Executor : null;
    }

    /// <summary>Keeps <paramref name="executor"/> after its checkpoint was committed.</summary>
    public void Put(string instanceId, OrchestrationExecutor executor)
    {
        if (_entries.Count >= capacity)
        {
            Evict();
        }

        _entries[instanceId] = new Entry(executor, time.GetUtcNow());
    }

    /// <summary>Forgets an instance (after a failed commit, a purge or a lost lease).</summary>
    public void Remove(string instanceId) => _entries.TryRemove(instanceId, out _);

    /// <summary>Forgets everything.</summary>
    public void Clear() => _entries.Clear();

    private void Evict()
    {
        var cutoff = time.GetUtcNow() - idleTimeout;
        foreach (var pair in _entries)
        {
            if (pair.Value.LastUsed < cutoff)
            {
                _entries.TryRemove(pair.Key, out _);
            }
        }

        if (_entries.Count >= capacity)
        {
            foreach (var pair in _entries.OrderBy(p => p.Value.LastUsed).Take(capacity / 4))
            {
                _entries.TryRemove(pair.Key, out _);
            }
        }
    }

    private sealed record Entry(OrchestrationExecutor Executor, DateTimeOffset LastUsed);
}
