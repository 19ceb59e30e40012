namespace Peeker.Durable;

/// <summary>Non-generic view of an orchestrator, used by the engine.</summary>
public interface ITaskOrchestrator
{
    /// <summary>The input type the engine deserializes to.</summary>
    Type InputType { get; }

    /// <summary>Runs (or replays) the orchestration.</summary>
    Task<object?> RunAsync(TaskOrchestrationContext context, object? input);
}

/// <summary>
/// Base class of orchestrators. The code must be deterministic: time, ids, waits and logs come from the context;
/// no I/O, no wall clock, no <c>Task.Delay</c>, no <c>ConfigureAwait(false)</c>.
/// </summary>
public abstract class TaskOrchestrator<TInput, TOutput> : ITaskOrchestrator
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The orchestration's logic.</summary>
    public abstract Task<TOutput> RunAsync(TaskOrchestrationContext context, TInput input);

    async Task<object?> ITaskOrchestrator.RunAsync(TaskOrchestrationContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>Non-generic view of an activity, used by the engine.</summary>
public interface ITaskActivity
{
    /// <summary>The input type the engine deserializes to.</summary>
    Type InputType { get; }

    /// <summary>Runs the activity.</summary>
    Task<object?> RunAsync(TaskActivityContext context, object? input);
}

/// <summary>Base class of activities: the only place where I/O happens. Must be idempotent (it may run twice).</summary>
public abstract class TaskActivity<TInput, TOutput> : ITaskActivity
{
    /// <inheritdoc />
    public Type InputType => typeof(TInput);

    /// <summary>The activity's work.</summary>
    public abstract Task<TOutput> RunAsync(TaskActivityContext context, TInput input);

    async Task<object?> ITaskActivity.RunAsync(TaskActivityContext context, object? input) =>
        await RunAsync(context, (TInput)input!);
}

/// <summary>What an activity knows about its invocation.</summary>
/// <param name="Name">The activity's registered name.</param>
/// <param name="InstanceId">The calling orchestration.</param>
/// <param name="TaskId">The EventId of the TaskScheduled event: with the instance id, a stable idempotency key.</param>
/// <param name="CancellationToken">Signalled when the worker shuts down.</param>
public sealed record TaskActivityContext(string Name, string InstanceId, int TaskId, CancellationToken CancellationToken)
{
    /// <summary><c>{instanceId}:{taskId}</c>, the same on every redelivery of this invocation.</summary>
    public string IdempotencyKey => $"{InstanceId}:{TaskId}";
}
