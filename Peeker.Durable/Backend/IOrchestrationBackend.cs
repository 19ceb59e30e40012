using Peeker.Durable.History;

namespace Peeker.Durable.Backend;

/// <summary>
/// Storage for the engine, shaped like DTFx's orchestration service: instance creation and messages on the client
/// side; locked orchestration work items (new messages + history) completed with one checkpoint, and locked activity
/// work items completed with a result message, on the worker side. Implementations: in-memory and Azure Storage.
/// </summary>
public interface IOrchestrationBackend
{
    /// <summary>Creates the hub's resources if missing (idempotent).</summary>
    Task CreateIfNotExistsAsync(CancellationToken cancellationToken);

    /// <summary>Starts background work (lease management, polling). Called once by the worker.</summary>
    Task StartAsync(CancellationToken cancellationToken);

    /// <summary>Stops background work, releasing what it owns.</summary>
    Task StopAsync(CancellationToken cancellationToken);

    /// <summary>
    /// Writes the Pending row and enqueues the ExecutionStarted message. Throws
    /// <see cref="OrchestrationAlreadyExistsException"/> when an instance with that id is Pending, Running or Suspended.
    /// </summary>
    Task CreateInstanceAsync(OrchestrationState state, TaskMessage startMessage, CancellationToken cancellationToken);

    /// <summary>Enqueues a message for an instance (events, terminate, suspend, resume, rewind).</summary>
    Task SendMessageAsync(TaskMessage message, CancellationToken cancellationToken);

    /// <summary>The instance row, or null.</summary>
    Task<OrchestrationState?> GetStateAsync(string instanceId, bool fetchPayloads, CancellationToken cancellationToken);

    /// <summary>The current execution's history.</summary>
    Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>One page of instances matching the query.</summary>
    Task<(IReadOnlyList<OrchestrationState> States, string? ContinuationToken)> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken);

    /// <summary>Deletes an instance's row, history and payloads; returns how many instances were removed (0 or 1).</summary>
    Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken);

    /// <summary>Locks the next instance with visible messages, or returns null when none arrives within <paramref name="wait"/>.</summary>
    Task<OrchestrationWorkItem?> LockNextOrchestrationWorkItemAsync(TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Commits a checkpoint: outbound messages, history, instance row, then deletes the consumed messages.</summary>
    Task CompleteOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, OrchestrationCheckpoint checkpoint, CancellationToken cancellationToken);

    /// <summary>Gives the work item's messages back for a later attempt (with a backoff).</summary>
    Task AbandonOrchestrationWorkItemAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken);

    /// <summary>Locks the next visible activity message, or returns null when none arrives within <paramref name="wait"/>.</summary>
    Task<ActivityWorkItem?> LockNextActivityWorkItemAsync(TimeSpan wait, CancellationToken cancellationToken);

    /// <summary>Sends the result message to the instance and deletes the activity message.</summary>
    Task CompleteActivityWorkItemAsync(ActivityWorkItem workItem, TaskMessage response, CancellationToken cancellationToken);

    /// <summary>Makes the activity message visible again for another attempt.</summary>
    Task AbandonActivityWorkItemAsync(ActivityWorkItem workItem, CancellationToken cancellationToken);
}
