using Microsoft.Extensions.Logging;

namespace Peeker.Durable;

/// <summary>
/// The orchestrator's window on the engine (durabletask-dotnet's shape). Everything here is replay-safe.
/// </summary>
public abstract class TaskOrchestrationContext
{
    /// <summary>The orchestrator's name.</summary>
    public abstract string Name { get; }

    /// <summary>This instance's id.</summary>
    public abstract string InstanceId { get; }

    /// <summary>The parent, when this is a sub-orchestration.</summary>
    public abstract History.ParentInstance? Parent { get; }

    /// <summary>Deterministic current time: the start time of the episode being (re)played.</summary>
    public abstract DateTime CurrentUtcDateTime { get; }

    /// <summary>True while the code re-executes steps already recorded in history.</summary>
    public abstract bool IsReplaying { get; }

    /// <summary>Schedules an activity and returns its result.</summary>
    public abstract Task<TResult> CallActivityAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Schedules an activity that returns nothing.</summary>
    public Task CallActivityAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallActivityAsync<object?>(name, input, options);

    /// <summary>Starts a sub-orchestration (pin its id with <see cref="SubOrchestrationOptions"/>) and returns its output.</summary>
    public abstract Task<TResult> CallSubOrchestratorAsync<TResult>(string name, object? input = null, TaskOptions? options = null);

    /// <summary>Starts a sub-orchestration that returns nothing.</summary>
    public Task CallSubOrchestratorAsync(string name, object? input = null, TaskOptions? options = null) =>
        CallSubOrchestratorAsync<object?>(name, input, options);

    /// <summary>A durable timer firing at <paramref name="fireAt"/> (UTC); cancelling it abandons the wait.</summary>
    public abstract Task CreateTimer(DateTime fireAt, CancellationToken cancellationToken);

    /// <summary>A durable timer firing after <paramref name="delay"/>.</summary>
    public Task CreateTimer(TimeSpan delay, CancellationToken cancellationToken) => CreateTimer(CurrentUtcDateTime.Add(delay), cancellationToken);

    /// <summary>Waits for an external event raised with <paramref name="eventName"/> (case-insensitive).</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, CancellationToken cancellationToken = default);

    /// <summary>Waits for an external event; throws <see cref="TaskCanceledException"/> when <paramref name="timeout"/> passes first.</summary>
    public abstract Task<T> WaitForExternalEvent<T>(string eventName, TimeSpan timeout);

    /// <summary>Sends an event to another instance (one-way).</summary>
    public abstract void SendEvent(string instanceId, string eventName, object? payload);

    /// <summary>Sets the status visible to clients while the instance runs.</summary>
    public abstract void SetCustomStatus(object? customStatus);

    /// <summary>Ends this execution and starts a fresh one with <paramref name="newInput"/> (history is reset).</summary>
    public abstract void ContinueAsNew(object? newInput, bool preserveUnprocessedEvents = true);

    /// <summary>A deterministic GUID (the same on every replay).</summary>
    public abstract Guid NewGuid();

    /// <summary>A logger that is silent while replaying.</summary>
    public abstract ILogger CreateReplaySafeLogger(string categoryName);

    /// <summary>A logger that is silent while replaying.</summary>
    public ILogger CreateReplaySafeLogger<T>() => CreateReplaySafeLogger(typeof(T).FullName ?? typeof(T).Name);
}
