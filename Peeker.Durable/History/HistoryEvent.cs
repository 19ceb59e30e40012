namespace Peeker.Durable.History;

/// <summary>
/// One event of an orchestration's history (event sourcing). A flat record carrying the union of the DTFx event
/// fields, so that storage can flatten it into columns with the DTFx names.
/// </summary>
public sealed record HistoryEvent
{
    /// <summary>What happened.</summary>
    public required EventType EventType { get; init; }

    /// <summary>Sequence id of scheduling events (TaskScheduled, TimerCreated, SubOrchestrationInstanceCreated, EventSent); -1 otherwise.</summary>
    public int EventId { get; init; } = -1;

    /// <summary>When the event was recorded (UTC). For OrchestratorStarted: the episode's CurrentUtcDateTime.</summary>
    public DateTime Timestamp { get; init; }

    /// <summary>Orchestrator, activity or event name.</summary>
    public string? Name { get; init; }

    /// <summary>Version of the orchestrator or activity.</summary>
    public string? Version { get; init; }

    /// <summary>Serialized input (ExecutionStarted, TaskScheduled, SubOrchestrationInstanceCreated, EventRaised, EventSent, ExecutionTerminated).</summary>
    public string? Input { get; init; }

    /// <summary>Serialized result (TaskCompleted, SubOrchestrationInstanceCompleted, ExecutionCompleted).</summary>
    public string? Result { get; init; }

    /// <summary>Reason (terminate, suspend, resume, rewind).</summary>
    public string? Reason { get; init; }

    /// <summary>Failure of a task, sub-orchestration or the execution.</summary>
    public TaskFailureDetails? FailureDetails { get; init; }

    /// <summary>For completions and failures: the EventId of the scheduling event.</summary>
    public int? TaskScheduledId { get; init; }

    /// <summary>For TimerCreated and TimerFired: when the timer fires (UTC).</summary>
    public DateTime? FireAt { get; init; }

    /// <summary>For TimerFired: the EventId of the TimerCreated event.</summary>
    public int? TimerId { get; init; }

    /// <summary>For SubOrchestrationInstanceCreated and EventSent: the target instance.</summary>
    public string? InstanceId { get; init; }

    /// <summary>For ExecutionStarted: the execution id of this run.</summary>
    public string? ExecutionId { get; init; }

    /// <summary>For ExecutionStarted of a sub-orchestration: who to report back to.</summary>
    public ParentInstance? ParentInstance { get; init; }

    /// <summary>For ExecutionCompleted: Completed, Failed or ContinuedAsNew.</summary>
    public OrchestrationRuntimeStatus? OrchestrationStatus { get; init; }

    /// <summary>For ExecutionStarted: when a scheduled start may run.</summary>
    public DateTime? ScheduledStartTime { get; init; }

    /// <summary>For ExecutionStarted: how many ContinueAsNew generations came before.</summary>
    public int? Generation { get; init; }

    /// <summary>For ExecutionStarted: caller-supplied tags.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    /// <summary>True once the event has been replayed at least once.</summary>
    public bool IsPlayed { get; init; }
}

/// <summary>The parent of a sub-orchestration and the id its completion must carry.</summary>
public sealed record ParentInstance(string Name, string InstanceId, string ExecutionId, int TaskScheduledId);
