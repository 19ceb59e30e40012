using DurableTask.Core.History;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// Reads an orchestration's fan-out from its DTFx history: how many calls of one task it had scheduled and not yet seen
/// finish at any point. That is the orchestrator's own decision, so it holds however fast the workers ran the calls.
/// </summary>
internal static class HistoryConcurrency
{
    /// <summary>The most activities named <paramref name="activity"/> outstanding at once.</summary>
    public static int MaxOutstandingActivities(IEnumerable<HistoryEvent> history, string activity) =>
        MaxOutstanding(
            history,
            e => e is TaskScheduledEvent s && s.Name == activity ? s.EventId : null,
            e =>
                e switch
                {
                    TaskCompletedEvent c => c.TaskScheduledId,
                    TaskFailedEvent f => f.TaskScheduledId,
                    _ => null,
                }
        );

    /// <summary>The most sub-orchestrations named <paramref name="orchestrator"/> outstanding at once.</summary>
    public static int MaxOutstandingSubOrchestrations(IEnumerable<HistoryEvent> history, string orchestrator) =>
        MaxOutstanding(
            history,
            e => e is SubOrchestrationInstanceCreatedEvent s && s.Name == orchestrator ? s.EventId : null,
            e =>
                e switch
                {
                    SubOrchestrationInstanceCompletedEvent c => c.TaskScheduledId,
                    SubOrchestrationInstanceFailedEvent f => f.TaskScheduledId,
                    _ => null,
                }
        );

    private static int MaxOutstanding(
        IEnumerable<HistoryEvent> history,
        Func<HistoryEvent, int?> started,
        Func<HistoryEvent, int?> finished
    )
    {
        var outstanding = new HashSet<int>();
        var max = 0;
        foreach (var e in history)
        {
            if (started(e) is { } id)
            {
                outstanding.Add(id);
                max = Math.Max(max, outstanding.Count);
            }
            else if (finished(e) is { } done)
            {
                outstanding.Remove(done);
            }
        }

        return max;
    }
}
