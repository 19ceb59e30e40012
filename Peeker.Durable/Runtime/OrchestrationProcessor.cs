using Microsoft.Extensions.Logging;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Hosting;

namespace Peeker.Durable.Runtime;

/// <summary>
/// Turns one orchestration work item (new messages + history) into one checkpoint: dedupes and orders messages,
/// replays (or resumes a cached executor), runs the episode, and converts the code's actions into history events and
/// outbound messages. Storage-agnostic: both backends commit what this produces.
/// </summary>
internal sealed partial class OrchestrationProcessor(
    DurableTaskRegistry registry,
    IServiceProvider services,
    DataConverter converter,
    TimeProvider time,
    ILoggerFactory loggerFactory,
    ExecutorCache? cache)
{
    /// <summary>Messages that cannot be placed are retried this many times before they are dropped with a warning.</summary>
    public const int MaxDeferrals = 10;

    private readonly ILogger _logger = loggerFactory.CreateLogger("Peeker.Durable.Orchestrations");

    /// <summary>Processes a work item; the returned executor may be cached once the checkpoint is committed.</summary>
    public (OrchestrationCheckpoint Checkpoint, OrchestrationExecutor? Executor) Process(OrchestrationWorkItem workItem)
    {
        var now = time.GetUtcNow().UtcDateTime;
        var messages = workItem.NewMessages.DistinctBy(m => m.MessageId).ToList();
        var history = workItem.History;
        var storedStart = history.FirstOrDefault(e => e.EventType == EventType.ExecutionStarted);
        var terminal = history.LastOrDefault(e => e.EventType is EventType.ExecutionCompleted or EventType.ExecutionTerminated);

        HistoryEvent? newStart = null;
        foreach (var started in messages.Where(m => m.Event.EventType == EventType.ExecutionStarted))
        {
            var startsNewExecution = storedStart is null || (terminal is not null && storedStart.ExecutionId != started.Event.ExecutionId);
            if (newStart is null && startsNewExecution)
            {
                newStart = started.Event;
            }
            else
            {
                LogDuplicateStart(workItem.InstanceId, started.Event.ExecutionId);
            }
        }

        messages.RemoveAll(m => m.Event.EventType == EventType.ExecutionStarted);
        if (newStart is null && storedStart is null)
        {
            return (Defer(workItem.InstanceId, messages, "no execution exists (yet)"), null);
        }

        if (newStart is null && terminal is not null)
        {
            return (ProcessTerminal(workItem, messages, storedStart!, now), null);
        }

        var start = newStart ?? storedStart!;
        var baseHistory = newStart is null ? history : [];
        messages.RemoveAll(m => m.ExecutionId is not null && m.ExecutionId != start.ExecutionId);

        var newEvents = new List<HistoryEvent> { new() { EventType = EventType.OrchestratorStarted, Timestamp = now } };
        if (newStart is not null)
        {
            newEvents.Add(newStart with { Timestamp = now });
        }

        if (messages.FirstOrDefault(m => m.Event.EventType == EventType.ExecutionTerminated) is { } terminate)
        {
            return (Terminate(workItem, start, newStart is not null, newEvents, terminate.Event, now), null);
        }

        var executor = newStart is null ? cache?.TryTake(workItem.InstanceId, start.ExecutionId!, history.Count) : null;
        if (executor is null)
        {
            executor = CreateExecutor(workItem.InstanceId, start.Name!);
            if (executor is null)
            {
                var missing = new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"No orchestrator named '{start.Name}' is registered with this worker.", IsNonRetriable: true);
                return (Finish(workItem, start, baseHistory, newStart is not null, newEvents, [], [], now, new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, null, missing), null), null);
            }

            executor.Replay(baseHistory);
        }

        return RunEpisode(workItem, executor, start, baseHistory, newStart is not null, newEvents, messages, [], now);
    }

    private (OrchestrationCheckpoint, OrchestrationExecutor?) RunEpisode(
        OrchestrationWorkItem workItem,
        OrchestrationExecutor executor,
        HistoryEvent start,
        IReadOnlyList<HistoryEvent> baseHistory,
        bool replacesHistory,
        List<HistoryEvent> newEvents,
        List<TaskMessage> messages,
        List<TaskMessage> outbound,
        DateTime now,
        List<TaskMessage>? activities = null)
    {
        activities ??= [];
        foreach (var e in newEvents)
        {
            executor.Apply(e, replaying: false);
        }

        var deferred = new List<TaskMessage>();
        foreach (var message in messages)
        {
            switch (executor.Apply(message.Event, replaying: false))
            {
                case ApplyResult.Applied:
                    newEvents.Add(message.Event);
                    break;
                case ApplyResult.OutOfOrder when message.DequeueCount < MaxDeferrals:
                    deferred.Add(message);
                    break;
                case ApplyResult.OutOfOrder:
                    LogDropped(workItem.InstanceId, message.Event.EventType.ToString(), "its task was never scheduled");
                    break;
                default:
                    LogDropped(workItem.InstanceId, message.Event.EventType.ToString(), "duplicate");
                    break;
            }
        }

        var outcome = executor.GetOutcome();
        if (!(outcome.Status == OrchestrationRuntimeStatus.Failed && outcome.Failure?.ErrorType == typeof(NonDeterministicOrchestrationException).FullName))
        {
            foreach (var action in executor.TakeNewActions())
            {
                var recorded = Record(action, now);
                executor.Apply(recorded, replaying: false);
                newEvents.Add(recorded);
                var message = Message(workItem.InstanceId, start.ExecutionId!, action, start, recorded, now);
                (action is ScheduleTaskAction ? activities : outbound).Add(message);
            }
        }

        var checkpoint = Finish(workItem, start, baseHistory, replacesHistory, newEvents, activities, outbound, now, outcome, executor, deferred);
        var cacheable = outcome.Status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Suspended;
        return (checkpoint, cacheable ? executor : null);
    }

    private OrchestrationCheckpoint Finish(
        OrchestrationWorkItem workItem,
        HistoryEvent start,
        IReadOnlyList<HistoryEvent> baseHistory,
        bool replacesHistory,
        List<HistoryEvent> newEvents,
        List<TaskMessage> activities,
        List<TaskMessage> outbound,
        DateTime now,
        ExecutionOutcome outcome,
        OrchestrationExecutor? executor,
        IReadOnlyList<TaskMessage>? deferred = null)
    {
        var status = outcome.Status;
        if (status is OrchestrationRuntimeStatus.Completed or OrchestrationRuntimeStatus.Failed)
        {
            newEvents.Add(new HistoryEvent
            {
                EventType = EventType.ExecutionCompleted,
                Timestamp = now,
                OrchestrationStatus = status,
                Result = outcome.Output,
                FailureDetails = outcome.Failure,
            });
            if (outcome.Failure is not null)
            {
                LogFailed(workItem.InstanceId, start.Name!, outcome.Failure.ToString());
            }

            if (start.ParentInstance is { } parent)
            {
                outbound.Add(ToParent(parent, status == OrchestrationRuntimeStatus.Completed
                    ? new HistoryEvent { EventType = EventType.SubOrchestrationInstanceCompleted, Timestamp = now, TaskScheduledId = parent.TaskScheduledId, Result = outcome.Output }
                    : new HistoryEvent { EventType = EventType.SubOrchestrationInstanceFailed, Timestamp = now, TaskScheduledId = parent.TaskScheduledId, FailureDetails = outcome.Failure }));
            }
        }

        newEvents.Add(new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = now });
        var state = BuildState(workItem, start, status, outcome, executor?.CustomStatus, now);
        if (status == OrchestrationRuntimeStatus.ContinuedAsNew)
        {
            var nextExecution = Guid.NewGuid().ToString("N");
            outbound.Add(new TaskMessage
            {
                MessageId = Guid.NewGuid().ToString("N"),
                InstanceId = workItem.InstanceId,
                ExecutionId = nextExecution,
                Event = start with
                {
                    Timestamp = now,
                    ExecutionId = nextExecution,
                    Input = outcome.Output,
                    Generation = (start.Generation ?? 0) + 1,
                    ScheduledStartTime = null,
                },
            });
            if (outcome.PreserveEvents && executor is not null)
            {
                outbound.AddRange(executor.BufferedEvents.Select(buffered => new TaskMessage
                {
                    MessageId = Guid.NewGuid().ToString("N"),
                    InstanceId = workItem.InstanceId,
                    ExecutionId = nextExecution,
                    Event = new HistoryEvent { EventType = EventType.EventRaised, Timestamp = now, Name = buffered.Name, Input = buffered.Input },
                }));
            }

            return new OrchestrationCheckpoint
            {
                HistoryEvents = [],
                ReplacesHistory = true,
                ActivityMessages = activities,
                OrchestratorMessages = outbound,
                State = state with { Output = null },
                DeferredMessages = deferred ?? [],
            };
        }

        return new OrchestrationCheckpoint
        {
            HistoryEvents = replacesHistory ? [.. baseHistory, .. newEvents] : newEvents,
            ReplacesHistory = replacesHistory,
            ActivityMessages = activities,
            OrchestratorMessages = outbound,
            State = state,
            DeferredMessages = deferred ?? [],
        };
    }

    private static OrchestrationState BuildState(
        OrchestrationWorkItem workItem,
        HistoryEvent start,
        OrchestrationRuntimeStatus status,
        ExecutionOutcome outcome,
        string? customStatus,
        DateTime now)
    {
        var sameExecution = workItem.State is { } existing && existing.ExecutionId == start.ExecutionId;
        return new OrchestrationState
        {
            InstanceId = workItem.InstanceId,
            Name = start.Name!,
            Version = start.Version,
            ExecutionId = start.ExecutionId!,
            RuntimeStatus = status,
            Input = start.Input,
            Output = status == OrchestrationRuntimeStatus.Completed ? outcome.Output : null,
            FailureDetails = outcome.Failure,
            CustomStatus = customStatus ?? (sameExecution ? workItem.State!.CustomStatus : null),
            CreatedTime = sameExecution ? workItem.State!.CreatedTime : (workItem.State?.CreatedTime ?? now),
            LastUpdatedTime = now,
            CompletedTime = status.IsTerminal() ? now : null,
            ScheduledStartTime = start.ScheduledStartTime,
            ParentInstance = start.ParentInstance,
            Generation = start.Generation ?? 0,
            Tags = start.Tags,
        };
    }

    private OrchestrationExecutor? CreateExecutor(string instanceId, string name)
    {
        var orchestrator = registry.CreateOrchestrator(name, services);
        return orchestrator is null ? null : new OrchestrationExecutor(instanceId, orchestrator, converter, loggerFactory);
    }

    private static HistoryEvent Record(OrchestratorAction action, DateTime now) => action switch
    {
        ScheduleTaskAction task => new HistoryEvent { EventType = EventType.TaskScheduled, EventId = task.Id, Timestamp = now, Name = task.Name, Input = task.Input },
        CreateTimerAction timer => new HistoryEvent { EventType = EventType.TimerCreated, EventId = timer.Id, Timestamp = now, FireAt = timer.FireAt },
        CreateSubOrchestrationAction sub => new HistoryEvent
        {
            EventType = EventType.SubOrchestrationInstanceCreated, EventId = sub.Id, Timestamp = now, Name = sub.Name, InstanceId = sub.InstanceId, Input = sub.Input,
        },
        SendEventAction send => new HistoryEvent { EventType = EventType.EventSent, EventId = send.Id, Timestamp = now, Name = send.Name, InstanceId = send.InstanceId, Input = send.Input },
        _ => throw new InvalidOperationException($"Unknown action {action}"),
    };

    private static TaskMessage Message(string instanceId, string executionId, OrchestratorAction action, HistoryEvent start, HistoryEvent recorded, DateTime now) => action switch
    {
        ScheduleTaskAction => new TaskMessage { MessageId = NewId(), InstanceId = instanceId, ExecutionId = executionId, Event = recorded },
        CreateTimerAction timer => new TaskMessage
        {
            MessageId = NewId(),
            InstanceId = instanceId,
            ExecutionId = executionId,
            VisibleAt = timer.FireAt,
            Event = new HistoryEvent { EventType = EventType.TimerFired, Timestamp = timer.FireAt, TimerId = timer.Id, FireAt = timer.FireAt },
        },
        CreateSubOrchestrationAction sub => new TaskMessage
        {
            MessageId = NewId(),
            InstanceId = sub.InstanceId,
            ExecutionId = null,
            Event = new HistoryEvent
            {
                EventType = EventType.ExecutionStarted,
                Timestamp = now,
                Name = sub.Name,
                Input = sub.Input,
                ExecutionId = NewId(),
                ParentInstance = new ParentInstance(start.Name!, instanceId, executionId, sub.Id),
            },
        },
        SendEventAction send => new TaskMessage
        {
            MessageId = NewId(),
            InstanceId = send.InstanceId,
            Event = new HistoryEvent { EventType = EventType.EventRaised, Timestamp = now, Name = send.Name, Input = send.Input },
        },
        _ => throw new InvalidOperationException($"Unknown action {action}"),
    };

    private static TaskMessage ToParent(ParentInstance parent, HistoryEvent e) => new()
    {
        MessageId = NewId(),
        InstanceId = parent.InstanceId,
        ExecutionId = parent.ExecutionId,
        Event = e,
    };

    private static string NewId() => Guid.NewGuid().ToString("N");

    private OrchestrationCheckpoint Defer(string instanceId, List<TaskMessage> messages, string why)
    {
        var keep = new List<TaskMessage>();
        foreach (var message in messages)
        {
            if (message.DequeueCount < MaxDeferrals)
            {
                keep.Add(message);
            }
            else
            {
                LogDropped(instanceId, message.Event.EventType.ToString(), why);
            }
        }

        return new OrchestrationCheckpoint { HistoryEvents = [], ActivityMessages = [], OrchestratorMessages = [], DeferredMessages = keep };
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId}: dropped a duplicate ExecutionStarted (execution {ExecutionId}).")]
    private partial void LogDuplicateStart(string instanceId, string? executionId);

    [LoggerMessage(Level = LogLevel.Information, Message = "Instance {InstanceId}: discarded a {EventType} message: {Reason}.")]
    private partial void LogDropped(string instanceId, string eventType, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Instance {InstanceId} ({Name}) failed: {Failure}")]
    private partial void LogFailed(string instanceId, string name, string failure);
}
