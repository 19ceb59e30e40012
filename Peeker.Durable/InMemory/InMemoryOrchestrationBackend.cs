using System.Diagnostics;
using System.Globalization;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.InMemory;

/// <summary>
/// A backend in process memory for fast tests and embedding. It keeps the storage backend's contract honestly:
/// everything is stored serialized, work items are locked with visibility timeouts, completion commits one checkpoint
/// atomically, and an instance is processed by one worker at a time.
/// </summary>
public sealed class InMemoryOrchestrationBackend(TimeProvider time, DataConverter? converter = null) : IOrchestrationBackend
{
    private readonly DataConverter _converter = converter ?? DataConverter.Default;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Instance> _instances = new(StringComparer.Ordinal);
    private readonly List<Stored> _activities = [];
    private readonly AsyncSignal _orchestrationSignal = new();
    private readonly AsyncSignal _activitySignal = new();

    /// <summary>How long a locked work item stays invisible to other workers.</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Messages and activities waiting or running; zero when the hub is idle.</summary>
    public int PendingWorkCount
    {
        get
        {
            lock (_gate)
            {
                return _activities.Count + _instances.Values.Sum(i => i.Messages.Count);
            }
        }
    }

    /// <summary>The earliest time a waiting message becomes visible, when nothing is visible or locked now (tests advance a fake clock to it).</summary>
    public DateTime? NextDueTimeWhenIdle()
    {
        lock (_gate)
        {
            var now = Now;
            if (_instances.Values.Any(i => i.Lock is not null) || _activities.Any(a => a.Lock is not null && a.VisibleAt > now))
            {
                return null;
            }

            var all = _instances.Values.SelectMany(i => i.Messages).Concat(_activities).Select(m => m.VisibleAt).ToList();
            if (all.Count == 0 || all.Any(v => v <= now))
            {
                return null;
            }

            return all.Min();
        }
    }

    private DateTime Now => time.GetUtcNow().UtcDateTime;

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task CreateInstanceAsync(OrchestrationState state, TaskMessage startMessage, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var instance = GetOrAdd(state.InstanceId);
            if (instance.State is not null && Read<OrchestrationState>(instance.State) is { } existing && !existing.RuntimeStatus.IsTerminal())
            {
                throw new OrchestrationAlreadyExistsException(state.InstanceId, existing.RuntimeStatus);
            }

            instance.State = _converter.Serialize(state);
            Enqueue(instance.Messages, startMessage);
        }

        _orchestrationSignal.Pulse();
        return Task.CompletedTask;
    }

    public Task SendMessageAsync(TaskMessage message, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enqueue(GetOrAdd(message.InstanceId).Messages, message);
        }

        _orchestrationSignal.Pulse();
        return Task.CompletedTask;
    }

    public Task<OrchestrationState?> GetStateAsync(string instanceId, bool fetchPayloads, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var state = _instances.TryGetValue(instanceId, out var instance) && instance.State is not null ? Read<OrchestrationState>(instance.State) : null;
            return Task.FromResult(state);
        }
    }

    public Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            IReadOnlyList<HistoryEvent> history = _instances.TryGetValue(instanceId, out var instance)
                ? [.. instance.History.Select(Read<HistoryEvent>)]
                : [];
            return Task.FromResult(history);
        }
    }

    public Task<(IReadOnlyList<OrchestrationState> States, string? ContinuationToken)> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        List<OrchestrationState> states;
        lock (_gate)
        {
            states = [.. _instances.Values.Where(i => i.State is not null).Select(i => Read<OrchestrationState>(i.State!))];
        }

        var matching = states
            .Where(s => query.Statuses is null || query.Statuses.Count == 0 || query.Statuses.Contains(s.RuntimeStatus))
            .Where(s => query.CreatedFrom is null || s.CreatedTime >= query.CreatedFrom.Value.UtcDateTime)
            .Where(s => query.CreatedTo is null || s.CreatedTime <= query.CreatedTo.Value.UtcDateTime)
            .Where(s => query.InstanceIdPrefix is null || s.InstanceId.StartsWith(query.InstanceIdPrefix, StringComparison.Ordinal))
            .OrderBy(s => s.InstanceId, StringComparer.Ordinal)
            .ToList();
        var skip = query.ContinuationToken is null ? 0 : int.Parse(query.ContinuationToken, CultureInfo.InvariantCulture);
        var page = matching.Skip(skip).Take(query.PageSize).ToList();
        var next = skip + page.Count < matching.Count ? (skip + page.Count).ToString(CultureInfo.InvariantCulture) : null;
        return Task.FromResult<(IReadOnlyList<OrchestrationState>, string?)>((page, next));
    }

    public Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            return Task.FromResult(_instances.Remove(instanceId) ? 1 : 0);
        }
    }

    public async Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_gate)
            {
                var now = Now;
                foreach (var (id, instance) in _instances)
                {
                    if ((instance.Lock is not null && instance.LockExpires > now) || !instance.Messages.Any(m => m.VisibleAt <= now))
                    {
                        continue;
                    }

                    var token = Guid.NewGuid();
                    instance.Lock = token;
                    instance.LockExpires = now + LockTimeout;
                    var taken = instance.Messages.Where(m => m.VisibleAt <= now).ToList();
                    foreach (var m in taken)
                    {
                        m.VisibleAt = now + LockTimeout;
                    }

                    return new OrchestrationWorkItem
                    {
                        InstanceId = id,
                        NewMessages = [.. taken.Select(m => Read<TaskMessage>(m.Json) with { DequeueCount = m.DequeueCount++ })],
                        History = [.. instance.History.Select(Read<HistoryEvent>)],
                        State = instance.State is null ? null : Read<OrchestrationState>(instance.State),
                        LockToken = token,
                    };
                }
            }

            var remaining = wait - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _orchestrationSignal.WaitAsync(remaining < TimeSpan.FromMilliseconds(50) ? remaining : TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    public Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            var instance = OwnedInstance(workItem);
            foreach (var message in checkpoint.ActivityMessages)
            {
                Enqueue(_activities, message);
            }

            foreach (var message in checkpoint.OrchestratorMessages)
            {
                Enqueue(GetOrAdd(message.InstanceId).Messages, message);
            }

            if (checkpoint.ReplacesHistory)
            {
                instance.History.Clear();
            }

            instance.History.AddRange(checkpoint.HistoryEvents.Select(e => _converter.Serialize(e)!));
            if (checkpoint.State is not null)
            {
                instance.State = _converter.Serialize(checkpoint.State);
            }

            var deferred = checkpoint.DeferredMessages.Select(m => m.MessageId).ToHashSet();
            var consumed = workItem.NewMessages.Select(m => m.MessageId).Where(id => !deferred.Contains(id)).ToHashSet();
            instance.Messages.RemoveAll(m => consumed.Contains(m.Id));
            foreach (var m in instance.Messages.Where(m => deferred.Contains(m.Id)))
            {
                m.VisibleAt = Now + TimeSpan.FromSeconds(1);
            }

            instance.Lock = null;
        }

        _orchestrationSignal.Pulse();
        if (checkpoint.ActivityMessages.Count > 0)
        {
            _activitySignal.Pulse();
        }

        return Task.CompletedTask;
    }

    public Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_instances.TryGetValue(workItem.InstanceId, out var instance) && Equals(instance.Lock, workItem.LockToken))
            {
                var ids = workItem.NewMessages.Select(m => m.MessageId).ToHashSet();
                foreach (var m in instance.Messages.Where(m => ids.Contains(m.Id)))
                {
                    m.VisibleAt = Now + TimeSpan.FromSeconds(Math.Min(Math.Pow(2, m.DequeueCount), 60));
                }

                instance.Lock = null;
            }
        }

        return Task.CompletedTask;
    }

    public async Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(TimeSpan wait, CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (true)
        {
            lock (_gate)
            {
                var now = Now;
                if (_activities.FirstOrDefault(a => a.VisibleAt <= now) is { } next)
                {
                    next.Lock = Guid.NewGuid();
                    next.VisibleAt = now + LockTimeout;
                    return new ActivityWorkItem
                    {
                        Message = Read<TaskMessage>(next.Json) with { DequeueCount = next.DequeueCount++ },
                        LockToken = next.Lock,
                    };
                }
            }

            var remaining = wait - clock.Elapsed;
            if (remaining <= TimeSpan.Zero)
            {
                return null;
            }

            await _activitySignal.WaitAsync(remaining < TimeSpan.FromMilliseconds(50) ? remaining : TimeSpan.FromMilliseconds(50), cancellationToken);
        }
    }

    public Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage response, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            Enqueue(GetOrAdd(response.InstanceId).Messages, response);
            _activities.RemoveAll(a => a.Id == workItem.Message.MessageId);
        }

        _orchestrationSignal.Pulse();
        return Task.CompletedTask;
    }

    public Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_activities.FirstOrDefault(a => a.Id == workItem.Message.MessageId && Equals(a.Lock, workItem.LockToken)) is { } stored)
            {
                stored.Lock = null;
                stored.VisibleAt = Now;
            }
        }

        _activitySignal.Pulse();
        return Task.CompletedTask;
    }

    private Instance OwnedInstance(OrchestrationWorkItem workItem)
    {
        if (!_instances.TryGetValue(workItem.InstanceId, out var instance) || !Equals(instance.Lock, workItem.LockToken))
        {
            throw new InvalidOperationException($"The lock on instance '{workItem.InstanceId}' was lost; the checkpoint is rejected.");
        }

        return instance;
    }

    private Instance GetOrAdd(string instanceId)
    {
        if (!_instances.TryGetValue(instanceId, out var instance))
        {
            instance = new Instance();
            _instances[instanceId] = instance;
        }

        return instance;
    }

    private void Enqueue(List<Stored> queue, TaskMessage message) =>
        queue.Add(new Stored(message.MessageId, _converter.Serialize(message)!) { VisibleAt = message.VisibleAt ?? Now });

    private T Read<T>(string json) => _converter.Deserialize<T>(json)!;

    private sealed class Instance
    {
        public string? State { get; set; }

        public List<string> History { get; } = [];

        public List<Stored> Messages { get; } = [];

        public object? Lock { get; set; }

        public DateTime LockExpires { get; set; }
    }

    private sealed class Stored(string id, string json)
    {
        public string Id { get; } = id;

        public string Json { get; } = json;

        public DateTime VisibleAt { get; set; }

        public int DequeueCount { get; set; }

        public object? Lock { get; set; }
    }
}
