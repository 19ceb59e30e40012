using Peeker.Durable.History;

namespace Peeker.Durable.Backend;

/// <summary>
/// The new messages for one instance plus its current history, locked for one worker until completed or abandoned.
/// </summary>
public sealed class OrchestrationWorkItem
{
    public required string InstanceId { get; init; }

    /// <summary>Messages to process, in arrival order.</summary>
    public required IReadOnlyList<TaskMessage> NewMessages { get; init; }

    /// <summary>The current execution's history as stored.</summary>
    public required IReadOnlyList<HistoryEvent> History { get; init; }

    /// <summary>The stored instance row, when one exists.</summary>
    public OrchestrationState? State { get; init; }

    /// <summary>Backend-private lock data (lease epoch, ETags, pop receipts).</summary>
    public object? LockToken { get; init; }
}

/// <summary>What completing an orchestration work item commits, as one unit.</summary>
public sealed class OrchestrationCheckpoint
{
    /// <summary>Events to append to the history (or the whole new history when <see cref="ReplacesHistory"/>).</summary>
    public required IReadOnlyList<HistoryEvent> HistoryEvents { get; init; }

    /// <summary>True when <see cref="HistoryEvents"/> replaces the stored history (new execution, ContinueAsNew, rewind).</summary>
    public bool ReplacesHistory { get; init; }

    /// <summary>Activity work items to enqueue.</summary>
    public required IReadOnlyList<TaskMessage> ActivityMessages { get; init; }

    /// <summary>Messages for instances (this one, children, parents, event targets), with timers' visibility.</summary>
    public required IReadOnlyList<TaskMessage> OrchestratorMessages { get; init; }

    /// <summary>The instance row after this episode; null when nothing changed (for example every message was discarded).</summary>
    public OrchestrationState? State { get; init; }

    /// <summary>Messages of the work item that cannot be processed yet (out of order): return them to the queue.</summary>
    public IReadOnlyList<TaskMessage> DeferredMessages { get; init; } = [];
}

/// <summary>One activity invocation, locked for one worker.</summary>
public sealed class ActivityWorkItem
{
    /// <summary>The TaskScheduled message (name, input, EventId) addressed to the calling instance.</summary>
    public required TaskMessage Message { get; init; }

    /// <summary>Backend-private lock data.</summary>
    public object? LockToken { get; init; }
}
