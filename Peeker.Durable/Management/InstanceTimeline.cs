using DurableTask.Core.History;

namespace Peeker.Durable.Management;

/// <summary>What a timeline span stands for.</summary>
public enum TimelineKind
{
    /// <summary>An activity call (one attempt).</summary>
    Activity,

    /// <summary>A durable timer (waits and the SDK's retry back-offs).</summary>
    Timer,

    /// <summary>A sub-orchestration; <see cref="TimelineSpan.ChildInstanceId"/> links to it.</summary>
    SubOrchestration,

    /// <summary>An external event received (a point in time).</summary>
    Event,
}

/// <summary>
/// One bar of an instance's timeline. <see cref="End"/> is null while it runs; <see cref="Attempt"/> counts the
/// calls of the same name and input (the SDK retries an activity by scheduling it again after a timer).
/// </summary>
public sealed record TimelineSpan(
    TimelineKind Kind,
    string Name,
    DateTime Start,
    DateTime? End,
    bool Failed,
    int Attempt,
    string? Failure,
    string? Input,
    string? Result,
    string? ChildInstanceId
)
{
    /// <summary>For a timer, when it is due.</summary>
    public DateTime? FireAt { get; init; }

    /// <summary>How long it took (null while it runs).</summary>
    public TimeSpan? Duration => End - Start;
}

/// <summary>The spans of one instance between its start and its end (or the last event while it runs).</summary>
public sealed record InstanceTimeline(DateTime Start, DateTime End, IReadOnlyList<TimelineSpan> Spans)
{
    /// <summary>Pairs each scheduled task, timer and sub-orchestration of <paramref name="history"/> with its completion.</summary>
    public static InstanceTimeline Build(IList<HistoryEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var spans = new List<TimelineSpan>();
        var open = new Dictionary<int, int>(); // scheduling event id -> index in spans
        var failedCalls = new Dictionary<(string, string?), int>();
        DateTime? start = null,
            end = null;
        foreach (var e in history)
        {
            var facts = HistoryFacts.Of(e);
            switch (e)
            {
                case ExecutionStartedEvent:
                    start ??= e.Timestamp;
                    break;
                case ExecutionCompletedEvent or ExecutionTerminatedEvent:
                    end = e.Timestamp;
                    break;
                case TaskScheduledEvent:
                    var key = (facts.Name ?? string.Empty, facts.Result);
                    open[e.EventId] = spans.Count;
                    spans.Add(
                        new(
                            TimelineKind.Activity,
                            facts.Name ?? "?",
                            e.Timestamp,
                            null,
                            false,
                            failedCalls.GetValueOrDefault(key) + 1,
                            null,
                            facts.Result,
                            null,
                            null
                        )
                    );
                    break;
                case TimerCreatedEvent t:
                    open[e.EventId] = spans.Count;
                    spans.Add(new(TimelineKind.Timer, "timer", e.Timestamp, null, false, 1, null, null, null, null) { FireAt = t.FireAt });
                    break;
                case SubOrchestrationInstanceCreatedEvent s:
                    open[e.EventId] = spans.Count;
                    spans.Add(
                        new(
                            TimelineKind.SubOrchestration,
                            facts.Name ?? "?",
                            e.Timestamp,
                            null,
                            false,
                            1,
                            null,
                            facts.Result,
                            null,
                            s.InstanceId
                        )
                    );
                    break;
                case EventRaisedEvent:
                    spans.Add(
                        new(TimelineKind.Event, facts.Name ?? "?", e.Timestamp, e.Timestamp, false, 1, null, facts.Result, null, null)
                    );
                    break;
                case TaskCompletedEvent or SubOrchestrationInstanceCompletedEvent or TimerFiredEvent:
                    Close(spans, open, facts.TaskScheduledId, e.Timestamp, failed: false, null, facts.Result);
                    break;
                case TaskFailedEvent or SubOrchestrationInstanceFailedEvent:
                    if (
                        Close(spans, open, facts.TaskScheduledId, e.Timestamp, failed: true, facts.Failure, null) is
                        { Kind: TimelineKind.Activity } failedSpan
                    )
                    {
                        failedCalls[(failedSpan.Name, failedSpan.Input)] = failedSpan.Attempt;
                    }

                    break;
            }
        }

        var first = start ?? (history.Count > 0 ? history[0].Timestamp : default);
        var last = end ?? spans.Select(s => s.End ?? s.Start).Append(history.Count > 0 ? history[^1].Timestamp : first).Max();
        return new InstanceTimeline(first, last < first ? first : last, spans);
    }

    /// <summary>Where a span starts, in percent of the instance's duration (for a bar's <c>left</c>).</summary>
    public double OffsetPercent(TimelineSpan span) => Percent((span ?? throw new ArgumentNullException(nameof(span))).Start - Start);

    /// <summary>How long a span lasts, in percent of the instance's duration (at least a sliver, so it stays visible).</summary>
    public double WidthPercent(TimelineSpan span)
    {
        ArgumentNullException.ThrowIfNull(span);
        var width = Percent((span.End ?? End) - span.Start);
        return Math.Clamp(width, 0.5, Math.Max(0.5, 100 - OffsetPercent(span)));
    }

    private double Percent(TimeSpan part)
    {
        var total = (End - Start).TotalMilliseconds;
        return total <= 0 ? 0 : Math.Clamp(part.TotalMilliseconds / total * 100, 0, 100);
    }

    private static TimelineSpan? Close(
        List<TimelineSpan> spans,
        Dictionary<int, int> open,
        int? scheduledId,
        DateTime at,
        bool failed,
        string? failure,
        string? result
    )
    {
        if (scheduledId is not { } id || !open.Remove(id, out var index))
        {
            return null;
        }

        spans[index] = spans[index] with { End = at, Failed = failed, Failure = failure, Result = result };
        return spans[index];
    }
}
