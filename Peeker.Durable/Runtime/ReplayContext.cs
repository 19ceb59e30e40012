using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Logging;
using Peeker.Durable.History;

namespace Peeker.Durable.Runtime;

/// <summary>
/// The engine's <see cref="TaskOrchestrationContext"/>: turns calls into numbered actions and completes their tasks
/// when the matching history events are applied by <see cref="OrchestrationExecutor"/>.
/// </summary>
internal sealed class ReplayContext(DataConverter converter, ILoggerFactory loggerFactory) : TaskOrchestrationContext
{
    private readonly SortedDictionary<int, OrchestratorAction> _unconfirmed = [];
    private readonly Dictionary<int, OpenTask> _open = [];
    private readonly HashSet<int> _closed = [];
    private readonly Dictionary<string, LinkedList<EventWaiter>> _waiters = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, Queue<string?>> _buffered = new(StringComparer.OrdinalIgnoreCase);
    private int _nextId;
    private int _guidCounter;

    public override string Name => StartEvent?.Name ?? string.Empty;

    public override string InstanceId => InstanceIdValue;

    public override ParentInstance? Parent => StartEvent?.ParentInstance;

    public override DateTime CurrentUtcDateTime => CurrentTime;

    public override bool IsReplaying => Replaying;

    internal string InstanceIdValue { get; set; } = string.Empty;

    internal HistoryEvent? StartEvent { get; set; }

    internal DateTime CurrentTime { get; set; }

    internal bool Replaying { get; set; }

    internal string? CustomStatus { get; private set; }

    internal (string? Input, bool PreserveEvents)? ContinueAsNewRequest { get; private set; }

    /// <summary>Actions the code asked for that history has not recorded yet (the episode's new work).</summary>
    internal IReadOnlyCollection<OrchestratorAction> Unconfirmed => _unconfirmed.Values;

    /// <summary>Events received but not consumed by any waiter (carried over by ContinueAsNew).</summary>
    internal IEnumerable<(string Name, string? Input)> BufferedEvents =>
        _buffered.SelectMany(pair => pair.Value.Select(input => (pair.Key, input)));

    public override async Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        var serialized = converter.Serialize(input);
        var raw = await WithRetries(options, () => Schedule(id => new ScheduleTaskAction(id, name, serialized), name));
        return converter.Deserialize<TResult>(raw)!;
    }

    public override async Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, TaskOptions? options = null)
    {
        var serialized = converter.Serialize(input);
        var pinned = (options as SubOrchestrationOptions)?.InstanceId;
        var raw = await WithRetries(options, () => Schedule(
            id => new CreateSubOrchestrationAction(id, name, pinned ?? $"{InstanceId}:{id:D4}", serialized), name));
        return converter.Deserialize<TResult>(raw)!;
    }

    public override Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken)
    {
        var utc = DateTime.SpecifyKind(fireAt, DateTimeKind.Utc);
        var task = Schedule(id => new CreateTimerAction(id, utc), "timer", out var id);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (_open.Remove(id, out var open))
                {
                    _closed.Add(id);
                    open.Completion.TrySetCanceled(cancellationToken);
                }
            });
        }

        return task;
    }

    public override Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default)
    {
        if (_buffered.TryGetValue(eventName, out var queue) && queue.TryDequeue(out var payload))
        {
            return Task.FromResult(converter.Deserialize<T>(payload)!);
        }

        var waiter = new EventWaiter(new TaskCompletionSource<string?>());
        if (!_waiters.TryGetValue(eventName, out var list))
        {
            list = new LinkedList<EventWaiter>();
            _waiters[eventName] = list;
        }

        var node = list.AddLast(waiter);
        if (cancellationToken.CanBeCanceled)
        {
            cancellationToken.Register(() =>
            {
                if (node.List is not null)
                {
                    list.Remove(node);
                }

                waiter.Completion.TrySetCanceled(cancellationToken);
            });
        }

        return Convert<T>(waiter.Completion.Task);
    }

    public override async Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource();
        var received = WaitForExternalEvent<T>(eventName, cancel.Token);
        if (received.IsCompleted)
        {
            return await received;
        }

        var timer = CreateTimer(CurrentUtcDateTime.Add(timeout), cancel.Token);
        var first = await Task.WhenAny(received, timer);
        // Synchronous on purpose: CancelAsync would run the callbacks on the thread pool, outside replay.
#pragma warning disable CA1849
        cancel.Cancel();
#pragma warning restore CA1849
        if (first == received)
        {
            return await received;
        }

        throw new TaskCanceledException($"Event '{eventName}' did not arrive within {timeout}.");
    }

    public override void SendEvent(string instanceId, string eventName, object? payload)
    {
        var serialized = converter.Serialize(payload);
        var id = _nextId++;
        _unconfirmed[id] = new SendEventAction(id, instanceId, eventName, serialized);
        _closed.Add(id);
    }

    public override void SetCustomStatus(object? customStatus) => CustomStatus = converter.Serialize(customStatus);

    public override void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true) =>
        ContinueAsNewRequest = (converter.Serialize(newInput), preserveUnprocessedEvents);

    public override Guid NewGuid()
    {
        // Name-based GUID (SHA-256, version bits 5) from the instance, execution and a counter: identical on every replay.
        var name = $"{InstanceId}:{StartEvent?.ExecutionId}:{_guidCounter++}";
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(name));
        var bytes = hash.AsSpan(0, 16).ToArray();
        bytes[7] = (byte)((bytes[7] & 0x0F) | 0x50);
        bytes[8] = (byte)((bytes[8] & 0x3F) | 0x80);
        return new Guid(bytes);
    }

    public override ILogger CreateReplaySafeLogger(string categoryName) =>
        new ReplaySafeLogger(loggerFactory.CreateLogger(categoryName), this);

    /// <summary>Confirms that history recorded action <paramref name="recorded"/>; throws when the code disagrees.</summary>
    internal void Confirm(HistoryEvent recorded)
    {
        if (!_unconfirmed.Remove(recorded.EventId, out var action))
        {
            var done = _closed.Contains(recorded.EventId) || _open.ContainsKey(recorded.EventId);
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{Name}' ({InstanceId}): history event #{recorded.EventId} expected " +
                $"{recorded.EventType} '{recorded.Name}', but the code " +
                (done ? "recorded that id already." : "scheduled nothing with that id.") + " Was the orchestrator changed while instances were running?");
        }

        if (action.RecordedAs != recorded.EventType
            || (action.MatchName is not null && !string.Equals(action.MatchName, recorded.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new NonDeterministicOrchestrationException(
                $"Non-deterministic orchestration '{Name}' ({InstanceId}): history event #{recorded.EventId} expected " +
                $"{recorded.EventType} '{recorded.Name}', actual {action}. Was the orchestrator changed while instances were running?");
        }
    }

    /// <summary>How a completion for task <paramref name="id"/> relates to the code's state.</summary>
    internal CompletionMatch Match(int id) =>
        _open.ContainsKey(id) ? CompletionMatch.Open : _closed.Contains(id) ? CompletionMatch.Duplicate : CompletionMatch.Unknown;

    /// <summary>Completes task <paramref name="id"/> with a result.</summary>
    internal void Complete(int id, string? result)
    {
        if (_open.Remove(id, out var open))
        {
            _closed.Add(id);
            open.Completion.TrySetResult(result);
        }
    }

    /// <summary>Fails task <paramref name="id"/>.</summary>
    internal void Fail(int id, TaskFailureDetails details)
    {
        if (_open.Remove(id, out var open))
        {
            _closed.Add(id);
            open.Completion.TrySetException(new TaskFailedException(open.Name, id, details));
        }
    }

    /// <summary>Delivers an external event to the oldest waiter, or buffers it.</summary>
    internal void Raise(string name, string? input)
    {
        if (_waiters.TryGetValue(name, out var list) && list.First is { } first)
        {
            list.RemoveFirst();
            first.Value.Completion.TrySetResult(input);
            return;
        }

        if (!_buffered.TryGetValue(name, out var queue))
        {
            queue = new Queue<string?>();
            _buffered[name] = queue;
        }

        queue.Enqueue(input);
    }

    private Task<string?> Schedule(Func<int, OrchestratorAction> create, string name) => Schedule(create, name, out _);

    private Task<string?> Schedule(Func<int, OrchestratorAction> create, string name, out int id)
    {
        id = _nextId++;
        var completion = new TaskCompletionSource<string?>();
        _unconfirmed[id] = create(id);
        _open[id] = new OpenTask(name, completion);
        return completion.Task;
    }

    private async Task<string?> WithRetries(TaskOptions? options, Func<Task<string?>> attempt)
    {
        var retry = options?.Retry;
        if (retry is null)
        {
            return await attempt();
        }

        var firstAttemptAt = CurrentUtcDateTime;
        for (var number = 1; ; number++)
        {
            try
            {
                return await attempt();
            }
            catch (TaskFailedException failed)
            {
                var elapsed = CurrentUtcDateTime - firstAttemptAt;
                if (retry.Policy is { } policy)
                {
                    var delay = policy.NextDelay(number, elapsed, failed.FailureDetails);
                    if (delay is null)
                    {
                        throw;
                    }

                    await CreateTimer(CurrentUtcDateTime.Add(delay.Value), CancellationToken.None);
                }
                else if (!await retry.Handler!(new RetryContext(this, number, failed.FailureDetails, elapsed)))
                {
                    throw;
                }
            }
        }
    }

    private async Task<T> Convert<T>(Task<string?> raw) => converter.Deserialize<T>(await raw)!;

    private sealed record OpenTask(string Name, TaskCompletionSource<string?> Completion);

    private sealed record EventWaiter(TaskCompletionSource<string?> Completion);
}

/// <summary>How an incoming completion relates to the orchestration's open tasks.</summary>
internal enum CompletionMatch
{
    /// <summary>The code waits for it.</summary>
    Open,

    /// <summary>Already completed or cancelled: a redelivery; ignore it.</summary>
    Duplicate,

    /// <summary>The code has not scheduled it (yet): out of order.</summary>
    Unknown,
}
