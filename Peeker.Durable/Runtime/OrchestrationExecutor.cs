using Microsoft.Extensions.Logging;
using Peeker.Durable.History;

namespace Peeker.Durable.Runtime;

/// <summary>
/// Replays one execution of an orchestrator from its history and applies new events to it. The live object can be
/// kept between episodes (extended sessions), so an episode costs only its new events, not the whole history.
/// </summary>
internal sealed class OrchestrationExecutor
{
    private readonly ReplaySynchronizationContext _sync = new();
    private readonly ReplayContext _context;
    private readonly ITaskOrchestrator _orchestrator;
    private readonly DataConverter _converter;
    private readonly Queue<HistoryEvent> _heldWhileSuspended = new();
    private Task<object?>? _run;
    private Exception? _fault;

    public OrchestrationExecutor(string instanceId, ITaskOrchestrator orchestrator, DataConverter converter, ILoggerFactory loggerFactory)
    {
        _orchestrator = orchestrator;
        _converter = converter;
        _context = new ReplayContext(converter, loggerFactory) { InstanceIdValue = instanceId };
    }

    /// <summary>How many history events this executor has seen (its position in the stored history).</summary>
    public int EventCount { get; private set; }

    /// <summary>The execution this executor runs.</summary>
    public string? ExecutionId => _context.StartEvent?.ExecutionId;

    /// <summary>True while new events are held because the instance is suspended.</summary>
    public bool IsSuspended { get; private set; }

    /// <summary>The latest custom status, serialized.</summary>
    public string? CustomStatus => _context.CustomStatus;

    /// <summary>The ExecutionStarted event of this execution.</summary>
    public HistoryEvent? StartEvent => _context.StartEvent;

    /// <summary>Events buffered for waiters that never came (ContinueAsNew may carry them over).</summary>
    public IEnumerable<(string Name, string? Input)> BufferedEvents => _context.BufferedEvents;

    /// <summary>Applies stored history (replaying).</summary>
    public void Replay(IEnumerable<HistoryEvent> history)
    {
        foreach (var recorded in history)
        {
            Apply(recorded, replaying: true);
        }
    }

    /// <summary>Applies one event. Returns how it was taken; only <see cref="ApplyResult.Applied"/> events belong in history.</summary>
    public ApplyResult Apply(HistoryEvent e, bool replaying)
    {
        var result = ApplyCore(e, replaying);
        if (result == ApplyResult.Applied)
        {
            EventCount++;
        }

        return result;
    }

    /// <summary>Takes the actions the code produced that history has not recorded yet.</summary>
    public IReadOnlyList<OrchestratorAction> TakeNewActions() => [.. _context.Unconfirmed];

    /// <summary>Where the execution stands after the events applied so far.</summary>
    public ExecutionOutcome GetOutcome()
    {
        if (_fault is not null)
        {
            return new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(_fault));
        }

        if (_run is null || !_run.IsCompleted)
        {
            return new ExecutionOutcome(IsSuspended ? OrchestrationRuntimeStatus.Suspended : OrchestrationRuntimeStatus.Running, null, null);
        }

        if (_run.IsFaulted)
        {
            var error = _run.Exception!.InnerExceptions.Count == 1 ? _run.Exception.InnerException! : _run.Exception;
            return new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, null, TaskFailureDetails.FromException(error));
        }

        if (_run.IsCanceled)
        {
            return new ExecutionOutcome(OrchestrationRuntimeStatus.Failed, null, new TaskFailureDetails(typeof(TaskCanceledException).FullName!, "The orchestrator was cancelled."));
        }

        if (_context.ContinueAsNewRequest is { } next)
        {
            return new ExecutionOutcome(OrchestrationRuntimeStatus.ContinuedAsNew, next.Input, null) { PreserveEvents = next.PreserveEvents };
        }

        return new ExecutionOutcome(OrchestrationRuntimeStatus.Completed, _converter.Serialize(_run.Result), null);
    }

    private ApplyResult ApplyCore(HistoryEvent e, bool replaying)
    {
        _context.Replaying = replaying;
        if (_fault is not null || _run is { IsCompleted: true })
        {
            return e.EventType is EventType.OrchestratorStarted or EventType.OrchestratorCompleted or EventType.ExecutionCompleted
                or EventType.TaskScheduled or EventType.TimerCreated or EventType.SubOrchestrationInstanceCreated or EventType.EventSent
                ? ApplyBookkeeping(e)
                : ApplyResult.Duplicate;
        }

        if (IsSuspended && e.EventType is not (EventType.ExecutionResumed or EventType.ExecutionTerminated or EventType.OrchestratorStarted
            or EventType.OrchestratorCompleted or EventType.TaskScheduled or EventType.TimerCreated or EventType.SubOrchestrationInstanceCreated
            or EventType.EventSent or EventType.ExecutionSuspended))
        {
            var held = CheckCompletion(e);
            if (held == ApplyResult.Applied)
            {
                _heldWhileSuspended.Enqueue(e);
            }

            return held;
        }

        switch (e.EventType)
        {
            case EventType.ExecutionStarted:
                _context.StartEvent = e;
                _sync.Run(Start);
                return ApplyResult.Applied;
            case EventType.TaskCompleted:
            case EventType.SubOrchestrationInstanceCompleted:
                return Complete(e, () => _context.Complete(e.TaskScheduledId!.Value, e.Result));
            case EventType.TaskFailed:
            case EventType.SubOrchestrationInstanceFailed:
                return Complete(e, () => _context.Fail(e.TaskScheduledId!.Value, e.FailureDetails ?? new TaskFailureDetails("Unknown", "Unknown failure")));
            case EventType.TimerFired:
                return Complete(e, () => _context.Complete(e.TimerId!.Value, null));
            case EventType.EventRaised:
                _sync.Run(() => _context.Raise(e.Name ?? string.Empty, e.Input));
                return ApplyResult.Applied;
            case EventType.ExecutionSuspended:
                IsSuspended = true;
                return ApplyResult.Applied;
            case EventType.ExecutionResumed:
                IsSuspended = false;
                while (_heldWhileSuspended.TryDequeue(out var held))
                {
                    ApplyCore(held, replaying);
                }

                return ApplyResult.Applied;
            default:
                return ApplyBookkeeping(e);
        }
    }

    private ApplyResult ApplyBookkeeping(HistoryEvent e)
    {
        switch (e.EventType)
        {
            case EventType.OrchestratorStarted:
                _context.CurrentTime = DateTime.SpecifyKind(e.Timestamp, DateTimeKind.Utc);
                break;
            case EventType.TaskScheduled:
            case EventType.TimerCreated:
            case EventType.SubOrchestrationInstanceCreated:
            case EventType.EventSent:
                if (_fault is null && _run is not { IsCompleted: true })
                {
                    try
                    {
                        _context.Confirm(e);
                    }
                    catch (NonDeterministicOrchestrationException ex)
                    {
                        _fault = ex;
                    }
                }

                break;
        }

        return ApplyResult.Applied;
    }

    private ApplyResult CheckCompletion(HistoryEvent e)
    {
        var id = e.EventType switch
        {
            EventType.TimerFired => e.TimerId,
            EventType.TaskCompleted or EventType.TaskFailed or EventType.SubOrchestrationInstanceCompleted
                or EventType.SubOrchestrationInstanceFailed => e.TaskScheduledId,
            _ => null,
        };
        if (id is null)
        {
            return ApplyResult.Applied;
        }

        return _context.Match(id.Value) switch
        {
            CompletionMatch.Open => ApplyResult.Applied,
            CompletionMatch.Duplicate => ApplyResult.Duplicate,
            _ => ApplyResult.OutOfOrder,
        };
    }

    private ApplyResult Complete(HistoryEvent e, Action complete)
    {
        var match = CheckCompletion(e);
        if (match == ApplyResult.Applied)
        {
            _sync.Run(complete);
        }

        return match;
    }

    private void Start()
    {
        try
        {
            var input = _converter.Deserialize(_context.StartEvent!.Input, _orchestrator.InputType);
            _run = _orchestrator.RunAsync(_context, input);
        }
        catch (Exception ex) when (ex is System.Text.Json.JsonException or NotSupportedException or InvalidCastException)
        {
            _fault = new InvalidOperationException($"The input of '{_context.Name}' could not be read as {_orchestrator.InputType.Name}: {ex.Message}", ex);
        }
    }
}

/// <summary>How an event was taken by the executor.</summary>
internal enum ApplyResult
{
    /// <summary>Taken: record it in history.</summary>
    Applied,

    /// <summary>A redelivery of something already applied: drop it.</summary>
    Duplicate,

    /// <summary>A completion for something not scheduled yet: defer it.</summary>
    OutOfOrder,
}

/// <summary>The execution's status after an episode; output is the serialized result (or the ContinueAsNew input).</summary>
internal sealed record ExecutionOutcome(OrchestrationRuntimeStatus Status, string? Output, TaskFailureDetails? Failure)
{
    public bool PreserveEvents { get; init; }
}
