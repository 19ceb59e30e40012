using Peeker.Durable.History;

namespace Peeker.Durable.Backend;

/// <summary>The stored state of one instance (the Instances table row).</summary>
public sealed record OrchestrationState
{
    public required string InstanceId { get; init; }

    public required string Name { get; init; }

    public string? Version { get; init; }

    public required string ExecutionId { get; init; }

    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public string? Input { get; init; }

    public string? Output { get; init; }

    public string? CustomStatus { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public DateTime CreatedTime { get; init; }

    public DateTime LastUpdatedTime { get; init; }

    public DateTime? CompletedTime { get; init; }

    public DateTime? ScheduledStartTime { get; init; }

    public ParentInstance? ParentInstance { get; init; }

    public int Generation { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
