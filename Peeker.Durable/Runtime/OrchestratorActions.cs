namespace Peeker.Durable.Runtime;

/// <summary>Something the orchestrator code asked for during an episode; becomes a history event and a message.</summary>
internal abstract record OrchestratorAction(int Id)
{
    /// <summary>The history event type that records this action.</summary>
    public abstract History.EventType RecordedAs { get; }

    /// <summary>The name compared against history on replay (null when the action has none).</summary>
    public abstract string? MatchName { get; }

    /// <summary>Human-readable form for non-determinism messages.</summary>
    public override string ToString() => $"{RecordedAs} '{MatchName}'";
}

internal sealed record ScheduleTaskAction(int Id, string Name, string? Input) : OrchestratorAction(Id)
{
    public override History.EventType RecordedAs => History.EventType.TaskScheduled;

    public override string? MatchName => Name;

    public override string ToString() => base.ToString();
}

internal sealed record CreateTimerAction(int Id, DateTime FireAt) : OrchestratorAction(Id)
{
    public override History.EventType RecordedAs => History.EventType.TimerCreated;

    public override string? MatchName => null;

    public override string ToString() => base.ToString();
}

internal sealed record CreateSubOrchestrationAction(int Id, string Name, string InstanceId, string? Input) : OrchestratorAction(Id)
{
    public override History.EventType RecordedAs => History.EventType.SubOrchestrationInstanceCreated;

    public override string? MatchName => Name;

    public override string ToString() => base.ToString();
}

internal sealed record SendEventAction(int Id, string InstanceId, string Name, string? Input) : OrchestratorAction(Id)
{
    public override History.EventType RecordedAs => History.EventType.EventSent;

    public override string? MatchName => Name;

    public override string ToString() => base.ToString();
}
