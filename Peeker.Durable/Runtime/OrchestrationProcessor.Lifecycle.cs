using Peeker.Durable.Backend;
using Peeker.Durable.History;

namespace Peeker.Durable.Runtime;

/// <summary>Terminate, rewind and messages for finished instances.</summary>
internal sealed partial class OrchestrationProcessor
{
    private OrchestrationCheckpoint ProcessTerminal(OrchestrationWorkItem workItem, List<TaskMessage> messages, HistoryEvent start, DateTime now)
    {
        var history = workItem.History;
        var last = history.Last(e => e.EventType is EventType.ExecutionCompleted or EventType.ExecutionTerminated);
        var status = last.EventType == EventType.ExecutionTerminated ? OrchestrationRuntimeStatus.Terminated : last.OrchestrationStatus ?? OrchestrationRuntimeStatus.Completed;
        var rewind = messages.FirstOrDefault(m => m.Event.EventType == EventType.ExecutionRewound);
        if (rewind is not null && status == OrchestrationRuntimeStatus.Failed)
        {
            return Rewind(workItem, start, rewind.Event, now);
        }

        var outbound = new List<TaskMessage>();
        if (rewind is not null && status == OrchestrationRuntimeStatus.Completed && start.ParentInstance is { } parent)
        {
            // A parent is being rewound and asks again for this child's result.
            outbound.Add(ToParent(parent, new HistoryEvent
            {
                EventType = EventType.SubOrchestrationInstanceCompleted, Timestamp = now, TaskScheduledId = parent.TaskScheduledId, Result = last.Result,
            }));
        }

        foreach (var message in messages.Where(m => m != rewind))
        {
            LogDropped(workItem.InstanceId, message.Event.EventType.ToString(), $"the instance is {status}");
        }

        // Reconcile the instance row with history when a crash left them apart.
        var state = workItem.State;
        var drifted = state is null || state.RuntimeStatus != status || state.ExecutionId != start.ExecutionId;
        return new OrchestrationCheckpoint
        {
            HistoryEvents = [],
            ActivityMessages = [],
            OrchestratorMessages = outbound,
            State = drifted
                ? new OrchestrationState
                {
                    InstanceId = workItem.InstanceId,
                    Name = start.Name!,
                    Version = start.Version,
                    ExecutionId = start.ExecutionId!,
                    RuntimeStatus = status,
                    Input = start.Input,
                    Output = status == OrchestrationRuntimeStatus.Terminated ? last.Input : last.Result,
                    FailureDetails = last.FailureDetails,
                    CustomStatus = state?.CustomStatus,
                    CreatedTime = state?.CreatedTime ?? start.Timestamp,
                    LastUpdatedTime = now,
                    CompletedTime = last.Timestamp,
                    ParentInstance = start.ParentInstance,
                    Generation = start.Generation ?? 0,
                    Tags = start.Tags,
                }
                : null,
        };
    }

    private static OrchestrationCheckpoint Terminate(
        OrchestrationWorkItem workItem,
        HistoryEvent start,
        bool replacesHistory,
        List<HistoryEvent> newEvents,
        HistoryEvent terminate,
        DateTime now)
    {
        newEvents.Add(terminate with { Timestamp = now });
        newEvents.Add(new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = now });
        var outbound = new List<TaskMessage>();
        if (start.ParentInstance is { } parent)
        {
            outbound.Add(ToParent(parent, new HistoryEvent
            {
                EventType = EventType.SubOrchestrationInstanceFailed,
                Timestamp = now,
                TaskScheduledId = parent.TaskScheduledId,
                FailureDetails = new TaskFailureDetails("Terminated", $"Sub-orchestration '{workItem.InstanceId}' was terminated: {terminate.Input}", IsNonRetriable: true),
            }));
        }

        var state = BuildState(workItem, start, OrchestrationRuntimeStatus.Terminated, new ExecutionOutcome(OrchestrationRuntimeStatus.Terminated, null, null), null, now);
        return new OrchestrationCheckpoint
        {
            HistoryEvents = newEvents,
            ReplacesHistory = replacesHistory,
            ActivityMessages = [],
            OrchestratorMessages = outbound,
            State = state with { Output = terminate.Input },
        };
    }

    /// <summary>
    /// Rewinds a failed execution: history is cut just before the first failure the code saw, the tasks that were
    /// still open at that point are sent again, failed children are rewound, and the episode runs from there.
    /// </summary>
    private OrchestrationCheckpoint Rewind(OrchestrationWorkItem workItem, HistoryEvent start, HistoryEvent rewind, DateTime now)
    {
        var history = workItem.History.ToList();
        var cut = history.FindIndex(e => e.EventType is EventType.TaskFailed or EventType.SubOrchestrationInstanceFailed);
        if (cut < 0)
        {
            cut = history.FindLastIndex(e => e.EventType == EventType.ExecutionCompleted);
        }

        var prefix = history.Take(cut).ToList();
        var executor = CreateExecutor(workItem.InstanceId, start.Name!)
            ?? throw new InvalidOperationException($"No orchestrator named '{start.Name}' is registered with this worker.");
        executor.Replay(prefix);

        var done = prefix.Where(e => e.TaskScheduledId is not null).Select(e => e.TaskScheduledId!.Value)
            .Concat(prefix.Where(e => e.TimerId is not null).Select(e => e.TimerId!.Value)).ToHashSet();
        var activities = new List<TaskMessage>();
        var outbound = new List<TaskMessage>();
        foreach (var open in prefix.Where(e => e.EventId >= 0 && !done.Contains(e.EventId)))
        {
            switch (open.EventType)
            {
                case EventType.TaskScheduled:
                    activities.Add(new TaskMessage { MessageId = NewId(), InstanceId = workItem.InstanceId, ExecutionId = start.ExecutionId, Event = open });
                    break;
                case EventType.TimerCreated:
                    outbound.Add(new TaskMessage
                    {
                        MessageId = NewId(),
                        InstanceId = workItem.InstanceId,
                        ExecutionId = start.ExecutionId,
                        VisibleAt = open.FireAt,
                        Event = new HistoryEvent { EventType = EventType.TimerFired, Timestamp = now, TimerId = open.EventId, FireAt = open.FireAt },
                    });
                    break;
                case EventType.SubOrchestrationInstanceCreated:
                    outbound.Add(new TaskMessage
                    {
                        MessageId = NewId(),
                        InstanceId = open.InstanceId!,
                        Event = new HistoryEvent { EventType = EventType.ExecutionRewound, Timestamp = now, Reason = rewind.Reason },
                    });
                    break;
            }
        }

        var newEvents = new List<HistoryEvent>
        {
            new() { EventType = EventType.OrchestratorStarted, Timestamp = now },
            rewind with { Timestamp = now },
        };
        return RunEpisode(workItem, executor, start, prefix, replacesHistory: true, newEvents, [], outbound, now, activities).Item1;
    }
}
