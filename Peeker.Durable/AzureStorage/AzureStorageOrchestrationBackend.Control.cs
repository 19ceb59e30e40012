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

    private async Task FetchLoopAsync(int partition, CancellationToken stop)
    {
        var queue = _control[partition];
        var delay = MinPollDelay;
        while (!stop.IsCancellationRequested)
        {
            try
            {
                if (BufferedCount(partition) > 1000)
                {
                    await _orchestrationSignal.WaitAsync(TimeSpan.FromMilliseconds(100), stop);
                    continue;
                }

                var received = (await queue.ReceiveMessagesAsync(_options.ControlQueueBatchSize, _options.ControlQueueVisibilityTimeout, stop)).Value;
                if (received.Length == 0)
                {
                    await _controlSignals[partition].WaitAsync(delay, stop);
                    delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, _options.MaxQueuePollingInterval.Ticks));
                    continue;
                }

                delay = MinPollDelay;
                var accepted = await Task.WhenAll(received.Select(m => AcceptAsync(partition, m, stop)));
                lock (_gate)
                {
                    foreach (var message in accepted.OfType<Received>())
                    {
                        AddToSession(message);
                    }
                }

                _orchestrationSignal.Pulse();
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is RequestFailedException or IOException or HttpRequestException or TimeoutException)
            {
                LogFetchFailed(partition, ex);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }
    }

    /// <summary>Decodes one received message, or handles it here (re-armed timer, poison) and returns null.</summary>
    private async Task<Received?> AcceptAsync(int partition, QueueMessage message, CancellationToken cancellationToken)
    {
        MessageEnvelope envelope;
        try
        {
            envelope = _codec.Peek(message.MessageText);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException)
        {
            await PoisonControlMessageAsync(_control[partition], message, null, $"Unreadable message: {ex.Message}");
            return null;
        }

        var now = _time.GetUtcNow().UtcDateTime;
        if (envelope.DueAt is { } due && due - now > MinPollDelay)
        {
            // Not due yet (a timer longer than the queue's visibility limit): re-arm it.
            var delay = due - now < _options.MaximumVisibilityDelay ? due - now : _options.MaximumVisibilityDelay;
            await TryAsync(() => _control[partition].UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: WholeSeconds(delay), cancellationToken: cancellationToken));
            return null;
        }

        if (message.DequeueCount > _options.MaxDequeueCount)
        {
            await PoisonControlMessageAsync(_control[partition], message, envelope, $"Dequeued {message.DequeueCount} times (maxDequeueCount {_options.MaxDequeueCount}).");
            return null;
        }


        try
        {
            var task = await _codec.DecodeAsync(envelope, cancellationToken);
            return new Received(task with { DequeueCount = (int)message.DequeueCount - 1 + envelope.Deferrals }, message.MessageId, message.PopReceipt, partition, envelope.Deferrals);
        }
        catch (Exception ex) when (ex is RequestFailedException or System.Text.Json.JsonException or InvalidDataException)
        {
            LogDecodeFailed(envelope.InstanceId, ex);
            await TryAsync(() => _control[partition].UpdateMessageAsync(message.MessageId, message.PopReceipt, visibilityTimeout: Backoff(message.DequeueCount), cancellationToken: cancellationToken));
            return null;
        }
    }

    private void AddToSession(Received message)
    {
        var id = message.Message.InstanceId;
        if (!_sessions.TryGetValue(id, out var session))
        {
            session = new Session(id, message.Partition);
            _sessions[id] = session;
        }

        var same = session.Pending.FindIndex(m => m.Message.MessageId == message.Message.MessageId);
        if (same >= 0)
        {
            session.Pending[same] = message;
        }
        else
        {
            session.Pending.Add(message);
        }

        if (!session.Locked && !session.Queued)
        {
            session.Queued = true;
            _ready.Enqueue(session);
        }

        if (session.History is null && session.Prefetch is null && !session.Locked)
        {
            // Load the history now, off the poll loop, so new instances are loaded in parallel. A stale prefetch
            // cannot do harm: the sentinel ETag rejects a checkpoint built on it.
            session.Prefetch = LoadHistoryAsync(id, CancellationToken.None);
        }
    }

    private int BufferedCount(int partition)
    {
        lock (_gate)
        {
            return _sessions.Values.Where(s => s.Partition == partition).Sum(s => s.Pending.Count);
        }
    }

    private async Task SendOrchestratorMessageAsync(TaskMessage message, int deferrals, CancellationToken cancellationToken)
    {
        var partition = PartitionOf(message.InstanceId);
        var text = await _codec.EncodeAsync(message, deferrals, cancellationToken);
        var delay = message.VisibleAt is { } at ? at - _time.GetUtcNow().UtcDateTime : TimeSpan.Zero;
        delay = delay <= TimeSpan.Zero ? TimeSpan.Zero : delay < _options.MaximumVisibilityDelay ? delay : _options.MaximumVisibilityDelay;
        if (delay == TimeSpan.Zero && _partitions.TryGetEpoch(partition, out _) && BufferedCount(partition) < 1000)
        {
            // Local delivery: the partition is ours, so send the message already locked (invisible) and put it straight
            // into the session buffer. It is durable in the queue like any received message, but costs no receive.
            var receipt = (await _control[partition].SendMessageAsync(text, _options.ControlQueueVisibilityTimeout, TimeSpan.FromSeconds(-1), cancellationToken)).Value;
            lock (_gate)
            {
                AddToSession(new Received(message with { DequeueCount = 0 }, receipt.MessageId, receipt.PopReceipt, partition, deferrals));
            }

            _orchestrationSignal.Pulse();
            return;
        }

        await _control[partition].SendMessageAsync(text, WholeSeconds(delay), TimeSpan.FromSeconds(-1), cancellationToken);
        if (delay == TimeSpan.Zero)
        {
            _controlSignals[partition].Pulse();
        }
    }

    private async Task DeleteAsync(Received message)
    {
        try
        {
            await _control[message.Partition].DeleteMessageAsync(message.QueueMessageId, message.PopReceipt, CancellationToken.None);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 400)
        {
            // Already gone, or it reappeared and someone else holds it: the duplicate is harmless.
        }
    }

    /// <summary>Returns a message that cannot be processed yet: re-sent with a short delay so deferrals do not count as poison.</summary>
    private async Task DeferAsync(Received message)
    {
        await SendOrchestratorMessageAsync(message.Message with { VisibleAt = _time.GetUtcNow().UtcDateTime.AddSeconds(1), DequeueCount = 0 }, message.Deferrals + 1, CancellationToken.None);
        await DeleteAsync(message);
    }

    private Task AbandonMessagesAsync(IEnumerable<Received> messages) =>
        Task.WhenAll(messages.Select(m => UpdateVisibilityAsync(m, Backoff(m.Message.DequeueCount + 1))));

    private async Task UpdateVisibilityAsync(Received message, TimeSpan visibility) =>
        await TryAsync(() => _control[message.Partition].UpdateMessageAsync(message.QueueMessageId, message.PopReceipt, visibilityTimeout: visibility, cancellationToken: CancellationToken.None));

    /// <summary>Queue visibility has whole-second resolution: round up so a timer never surfaces early.</summary>
    private static TimeSpan WholeSeconds(TimeSpan delay) => TimeSpan.FromSeconds(Math.Ceiling(delay.TotalSeconds));

    private static TimeSpan Backoff(long dequeueCount) => TimeSpan.FromSeconds(Math.Min(Math.Pow(2, Math.Max(0, dequeueCount - 1)), 30));

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (RequestFailedException ex)
        {
            LogStorageCallFailed(ex.Status, ex.ErrorCode);
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
