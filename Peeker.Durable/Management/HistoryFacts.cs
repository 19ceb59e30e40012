using System.Globalization;
using DurableTask.Core.History;

namespace Peeker.Durable.Management;

/// <summary>The few facts of a DTFx history event that the management API and the timeline show.</summary>
/// <param name="Name">The task, timer, event or sub-orchestration name.</param>
/// <param name="TaskScheduledId">For a completion, the event id of what it completes.</param>
/// <param name="FireAt">For a timer, when it fires.</param>
/// <param name="Failure">A failure's type and message.</param>
/// <param name="Result">A result or input (JSON), shown only on request.</param>
/// <param name="Detail">One line for the timeline.</param>
internal sealed record HistoryFacts(string? Name, int? TaskScheduledId, DateTime? FireAt, string? Failure, string? Result, string? Detail)
{
    public static HistoryFacts Of(HistoryEvent e) =>
        e switch
        {
            ExecutionStartedEvent s => new(
                s.Name,
                null,
                null,
                null,
                s.Input,
                s.ParentInstance is { } p ? $"parent {p.OrchestrationInstance.InstanceId}" : null
            ),
            ExecutionCompletedEvent c => new(null, null, null, c.FailureDetails?.ToString(), c.Result, c.OrchestrationStatus.ToString()),
            ExecutionTerminatedEvent t => new(null, null, null, null, t.Input, "terminated"),
            TaskScheduledEvent t => new(t.Name, null, null, null, t.Input, null),
            TaskCompletedEvent c => new(null, c.TaskScheduledId, null, null, c.Result, null),
            TaskFailedEvent f => new(
                null,
                f.TaskScheduledId,
                null,
                f.FailureDetails?.ToString() ?? f.Reason,
                null,
                f.FailureDetails?.ToString() ?? f.Reason
            ),
            SubOrchestrationInstanceCreatedEvent s => new(s.Name, null, null, null, s.Input, s.InstanceId),
            SubOrchestrationInstanceCompletedEvent c => new(null, c.TaskScheduledId, null, null, c.Result, null),
            SubOrchestrationInstanceFailedEvent f => new(
                null,
                f.TaskScheduledId,
                null,
                f.FailureDetails?.ToString() ?? f.Reason,
                null,
                f.FailureDetails?.ToString() ?? f.Reason
            ),
            TimerCreatedEvent t => new(null, null, t.FireAt, null, null, "fires " + t.FireAt.ToString("u", CultureInfo.InvariantCulture)),
            TimerFiredEvent t => new(null, t.TimerId, t.FireAt, null, null, "fired"),
            EventRaisedEvent r => new(r.Name, null, null, null, r.Input, null),
            EventSentEvent s => new(s.Name, null, null, null, s.Input, s.InstanceId),
            ExecutionSuspendedEvent s => new(null, null, null, null, null, s.Reason),
            ExecutionResumedEvent r => new(null, null, null, null, null, r.Reason),
            _ => new(null, null, null, null, null, null),
        };
}
