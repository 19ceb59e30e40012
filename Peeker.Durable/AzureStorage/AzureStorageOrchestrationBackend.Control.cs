using System.Collections.Concurrent;
using System.Diagnostics;
using Azure;
using Azure.Storage.Queues.Models;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>Control queues: fetching owned partitions into per-instance sessions and handing them out as work items.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    private static readonly TimeSpan MinPollDelay = TimeSpan.FromMilliseconds(50);
    private static readonly TimeSpan SessionIdleTimeout = TimeSpan.FromMinutes(2);
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Session> _sessions = new(StringComparer.Ordinal);
    private readonly Queue<Session> _ready = new();
    private readonly List<Task> _background = [];
    private readonly ConcurrentDictionary<int, Task> _fetchLoops = new();
    private readonly ConcurrentDictionary<int, CancellationTokenSource> _fetchStops = new();
    private readonly AsyncSignal _orchestrationSignal = new();
    private readonly AsyncSignal[] _controlSignals;
    private CancellationTokenSource? _stopping;

    public async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            Session? session = null;
            List<Received>? messages = null;
            lock (_gate)
            {
                while (_ready.Count > 0)
                {
                    var candidate = _ready.Dequeue();
                    candidate.Queued = false;
                    if (candidate.Locked || candidate.Pending.Count == 0 || !_partitions.TryGetEpoch(candidate.Partition, out _))
                    {
                        continue;
                    }

                    session = candidate;
                    session.Locked = true;
                    messages = [.. session.Pending];
                    session.Pending.Clear();
                    break;
                }
            }

            if (session is not null)
            {
                try
                {
                    var workItem = await BuildWorkItemAsync(session, messages!, cancellationToken);
                    if (!workItem.NewMessages.Any(IsPoisonMarker))
                    {
                        return workItem;
                    }

                    await FailPoisonedAsync(workItem, cancellationToken);
                    continue;
                }
                catch (Exception ex) when (ex is RequestFailedException or InvalidDataException or IOException or InvalidOperationException)
                {
                    LogLoadFailed(session.InstanceId, ex);
                    Unlock(session, [], dropCache: true);
                    await AbandonMessagesAsync(messages!);
                    continue;
                }
            }

            var remaining = wait - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _orchestrationSignal.WaitAsync(remaining < TimeSpan.FromMilliseconds(100) ? remaining : TimeSpan.FromMilliseconds(100), cancellationToken);
        }
    }

    public async Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        var token = (LockToken)workItem.LockToken!;
        var session = token.Session;
        if (!_partitions.IsOwned(session.Partition, token.Epoch))
        {
            throw new PartitionLeaseLostException(session.InstanceId, session.Partition, token.Epoch);
        }

        // 1. Outbound messages first: a crash later only duplicates them, and receivers dedupe.
        // At most 32 sends at once: a 1,000-task fan-out must not open 1,000 connections to the storage endpoint.
        var sends = checkpoint.ActivityMessages.Select(m => (Func<CancellationToken, Task>)(ct => SendActivityMessageAsync(m, ct)))
            .Concat(checkpoint.OrchestratorMessages.Select(m => (Func<CancellationToken, Task>)(ct => SendOrchestratorMessageAsync(m, 0, ct))));
        await Parallel.ForEachAsync(sends, new ParallelOptions { MaxDegreeOfParallelism = 32, CancellationToken = cancellationToken }, async (send, ct) => await send(ct));

        // 2. History, guarded by the sentinel ETag and stamped with the partition epoch.
        var executionId = checkpoint.ReplacesHistory
            ? checkpoint.HistoryEvents.FirstOrDefault(e => e.EventType == EventType.ExecutionStarted)?.ExecutionId ?? string.Empty
            : session.ExecutionId ?? string.Empty;
        var newETag = session.ETag;
        if (checkpoint.HistoryEvents.Count > 0 || checkpoint.ReplacesHistory)
        {
            if (!_partitions.IsOwned(session.Partition, token.Epoch))
            {
                throw new PartitionLeaseLostException(session.InstanceId, session.Partition, token.Epoch);
            }

            newETag = await WriteHistoryAsync(session, checkpoint, token.Epoch, executionId, cancellationToken);
        }

        // 3. The instance row (a read model: the reconciler repairs it from history if we die before this).
        if (checkpoint.State is { } state && RowChanged(session.State ?? workItem.State, state))
        {
            var includeInput = workItem.State is null || workItem.State.ExecutionId != state.ExecutionId;
            var entity = await _instanceEntities.ToEntityAsync(state, includeInput, cancellationToken);
            await _instances.UpsertEntityAsync(entity, includeInput ? Azure.Data.Tables.TableUpdateMode.Replace : Azure.Data.Tables.TableUpdateMode.Merge, cancellationToken);
        }

        // 4. Consumed messages go; deferred ones come back later.
        var deferred = checkpoint.DeferredMessages.Select(m => m.MessageId).ToHashSet(StringComparer.Ordinal);
        var consumed = token.Messages.Where(m => !deferred.Contains(m.Message.MessageId)).ToList();
        var returned = token.Messages.Where(m => deferred.Contains(m.Message.MessageId)).ToList();
        // The deletes run after history and row are durable but are not awaited: the next episode need not wait for
        // them. A delete that never happens only makes a message reappear, which the instance drops as a duplicate.
        Track(Task.WhenAll(consumed.Select(DeleteAsync).Concat(returned.Select(DeferAsync))));

        var storedRows = session.StoredRows;
        lock (_gate)
        {
            if (checkpoint.ReplacesHistory)
            {
                session.History = [.. checkpoint.HistoryEvents];
                session.ExecutionId = executionId;
            }
            else
            {
                session.History!.AddRange(checkpoint.HistoryEvents);
            }

            session.ETag = newETag;
            session.StoredRows = checkpoint.ReplacesHistory ? session.History.Count : Math.Max(session.StoredRows, session.History.Count);
            session.State = checkpoint.State ?? workItem.State;
        }

        if (checkpoint.ReplacesHistory)
        {
            await DeleteStaleRowsAsync(session.InstanceId, session.History.Count, storedRows);
        }

        Unlock(session, [], dropCache: false);
    }

    public async Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        var token = (LockToken)workItem.LockToken!;
        Unlock(token.Session, [], dropCache: true);
        await AbandonMessagesAsync(token.Messages);
    }

    /// <summary>
    /// The row is rewritten when status, execution, output, failure or custom status change; an episode that changes
    /// none of them (a fan-in step) skips the write, so LastUpdatedTime moves on status changes only.
    /// </summary>
    private static bool RowChanged(OrchestrationState? stored, OrchestrationState next) =>
        stored is null
        || stored.RuntimeStatus != next.RuntimeStatus
        || stored.ExecutionId != next.ExecutionId
        || next.Output is not null
        || next.FailureDetails is not null
        || !string.Equals(stored.CustomStatus, next.CustomStatus, StringComparison.Ordinal);

    private async Task<OrchestrationWorkItem> BuildWorkItemAsync(Session session, List<Received> messages, CancellationToken cancellationToken)
    {
        if (!_partitions.TryGetEpoch(session.Partition, out var epoch))
        {
            throw new IOException($"Partition {session.Partition} is not owned.");
        }

        var needState = !session.StateLoaded || messages.Any(m => m.Message.Event.EventType == EventType.ExecutionStarted);
        var stateTask = needState ? GetStateAsync(session.InstanceId, fetchPayloads: false, cancellationToken) : null;
        if (session.History is null)
        {
            var prefetch = session.Prefetch;
            session.Prefetch = null;
            LoadedHistory loaded;
            try
            {
                loaded = prefetch is null ? await LoadHistoryAsync(session.InstanceId, cancellationToken) : await prefetch;
            }
            catch (RequestFailedException) when (prefetch is not null)
            {
                loaded = await LoadHistoryAsync(session.InstanceId, cancellationToken);
            }

            if (loaded.Epoch > epoch)
            {
                throw new IOException($"Instance '{session.InstanceId}' was checkpointed with epoch {loaded.Epoch} > ours ({epoch}).");
            }

            session.History = loaded.Events;
            session.ExecutionId = loaded.ExecutionId;
            session.ETag = loaded.ETag;
            session.StoredRows = loaded.StoredRows;
            session.State = null;
            session.StateLoaded = false;
        }

        if (stateTask is not null)
        {
            session.State = await stateTask;
            session.StateLoaded = true;
        }

        return new OrchestrationWorkItem
        {
            InstanceId = session.InstanceId,
            NewMessages = [.. messages.Select(m => m.Message)],
            History = session.History,
            State = session.State,
            LockToken = new LockToken(session, epoch, messages),
        };
    }

    private void Unlock(Session session, List<Received> returned, bool dropCache)
    {
        lock (_gate)
        {
            session.Locked = false;
            session.LastUsed = _time.GetUtcNow();
            if (dropCache)
            {
                session.History = null;
                session.Prefetch = null;
                session.StateLoaded = false;
            }

            if (session.Evicted)
            {
                _sessions.Remove(session.InstanceId);
                return;
            }

            session.Pending.InsertRange(0, returned);
            if (session.Pending.Count > 0 && !session.Queued)
            {
                session.Queued = true;
                _ready.Enqueue(session);
            }
        }

        _orchestrationSignal.Pulse();
    }

    /// <summary>Keeps a background storage call so that <see cref="StopAsync"/> can wait for it.</summary>
    private void Track(Task task)
    {
        lock (_background)
        {
            _background.RemoveAll(t => t.IsCompleted);
            _background.Add(task);
        }
    }

    private async Task DrainBackgroundAsync()
    {
        Task[] pending;
        lock (_background)
        {
            pending = [.. _background];
        }

        try
        {
            await Task.WhenAll(pending);
        }
        catch (RequestFailedException ex)
        {
            LogStorageCallFailed(ex.Status, ex.ErrorCode);
        }
    }

    private void EvictIdleSessions(DateTimeOffset now)
    {
        lock (_gate)
        {
            foreach (var session in _sessions.Values.Where(s => !s.Locked && !s.Queued && s.Pending.Count == 0 && now - s.LastUsed > SessionIdleTimeout).ToList())
            {
                _sessions.Remove(session.InstanceId);
            }
        }
    }

    private void ForgetSession(string instanceId)
    {
        lock (_gate)
        {
            if (_sessions.TryGetValue(instanceId, out var session))
            {
                session.History = null;
                session.StateLoaded = false;
            }
        }
    }

    private sealed class Session(string instanceId, int partition)
    {
        public string InstanceId { get; } = instanceId;

        public int Partition { get; } = partition;

        public List<Received> Pending { get; } = [];

        public bool Locked { get; set; }

        public bool Queued { get; set; }

        public bool Evicted { get; set; }

        public List<HistoryEvent>? History { get; set; }

        public string? ExecutionId { get; set; }

        public ETag? ETag { get; set; }

        public long StoredRows { get; set; }

        public OrchestrationState? State { get; set; }

        public bool StateLoaded { get; set; }

        public DateTimeOffset LastUsed { get; set; }

        public Task<LoadedHistory>? Prefetch { get; set; }
    }

    private sealed record Received(TaskMessage Message, string QueueMessageId, string PopReceipt, int Partition, int Deferrals);

    private sealed record LockToken(Session Session, long Epoch, List<Received> Messages);
}
