using DurableTask.Core;
using DurableTask.Core.History;
using Peeker.Durable.Management;

namespace Peeker.Tests.Durable.Management;

/// <summary>The console's timeline pairs each scheduled step with its completion and numbers the SDK's retries.</summary>
public sealed class InstanceTimelineTests
{
    private static readonly DateTime T0 = new(2026, 1, 1, 12, 0, 0, DateTimeKind.Utc);

    [Fact]
    public void Build_RetriedActivityTimerAndSubOrchestration_PairsEachWithItsCompletionAndCountsAttempts()
    {
        var history = new List<HistoryEvent>
        {
            At(
                0,
                new ExecutionStartedEvent(-1, "\"in\"")
                {
                    Name = "Parent",
                    OrchestrationInstance = new OrchestrationInstance { InstanceId = "p" },
                }
            ),
            At(0, new TaskScheduledEvent(0, "BuyDomain", string.Empty, "{\"d\":\"a.com\"}")),
            At(2, new TaskFailedEvent(-1, 0, "503", null)),
            At(2, new TimerCreatedEvent(1, T0.AddSeconds(6))),
            At(6, new TimerFiredEvent(-1, T0.AddSeconds(6)) { TimerId = 1 }),
            At(6, new TaskScheduledEvent(2, "BuyDomain", string.Empty, "{\"d\":\"a.com\"}")),
            At(8, new TaskCompletedEvent(-1, 2, "\"ok\"")),
            At(
                8,
                new SubOrchestrationInstanceCreatedEvent(3)
                {
                    Name = "Child",
                    InstanceId = "p:a.com",
                    Input = "{}",
                }
            ),
            At(10, new ExecutionCompletedEvent(-1, "\"done\"", OrchestrationStatus.Completed)),
        };

        var timeline = InstanceTimeline.Build(history);

        Assert.Equal(TimeSpan.FromSeconds(10), timeline.End - timeline.Start);
        Assert.Collection(
            timeline.Spans,
            first =>
                Assert.Equal(
                    (TimelineKind.Activity, "BuyDomain", 1, true, (TimeSpan?)TimeSpan.FromSeconds(2)),
                    (first.Kind, first.Name, first.Attempt, first.Failed, first.Duration)
                ),
            timer =>
                Assert.Equal(
                    (TimelineKind.Timer, (TimeSpan?)TimeSpan.FromSeconds(4), (DateTime?)T0.AddSeconds(6)),
                    (timer.Kind, timer.Duration, timer.FireAt)
                ),
            retry => Assert.Equal((TimelineKind.Activity, 2, false, "\"ok\""), (retry.Kind, retry.Attempt, retry.Failed, retry.Result)),
            child =>
                Assert.Equal(
                    (TimelineKind.SubOrchestration, "Child", "p:a.com", (DateTime?)null),
                    (child.Kind, child.Name, child.ChildInstanceId, child.End)
                )
        );
        var retrySpan = timeline.Spans[2];
        Assert.Equal(60, timeline.OffsetPercent(retrySpan), 3);
        Assert.Equal(20, timeline.WidthPercent(retrySpan), 3);
        Assert.Equal(20, timeline.WidthPercent(timeline.Spans[3]), 3); // still running: drawn to the end
    }

    private static HistoryEvent At(int seconds, HistoryEvent e)
    {
        e.Timestamp = T0.AddSeconds(seconds);
        return e;
    }
}
