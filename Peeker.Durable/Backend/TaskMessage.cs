using Peeker.Durable.History;

namespace Peeker.Durable.Backend;

/// <summary>
/// A message for one orchestration instance (on its control queue) or for an activity worker (on the work-item
/// queue): a history event addressed to an instance and execution.
/// </summary>
public sealed record TaskMessage
{
    /// <summary>Unique id of the message, used to detect duplicates.</summary>
    public required string MessageId { get; init; }

    /// <summary>The orchestration instance the event belongs to.</summary>
    public required string InstanceId { get; init; }

    /// <summary>The execution it targets; null means "whatever execution is current" (client events, terminate).</summary>
    public string? ExecutionId { get; init; }

    /// <summary>The event.</summary>
    public required HistoryEvent Event { get; init; }

    /// <summary>Do not deliver before this time (durable timers, scheduled starts, retry delays). UTC.</summary>
    public DateTime? VisibleAt { get; init; }

    /// <summary>How often the backend handed this message out before (0 on first delivery). Set by backends.</summary>
    public int DequeueCount { get; init; }
}
