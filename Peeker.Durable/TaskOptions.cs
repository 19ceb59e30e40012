namespace Peeker.Durable;

/// <summary>Options for one activity or sub-orchestration call: how to retry it.</summary>
public class TaskOptions
{
    /// <summary>Creates options with the given retry behaviour (null = no retries).</summary>
    public TaskOptions(TaskRetryOptions? retry = null) => Retry = retry;

    /// <summary>How failures are retried; null means a failure surfaces at once.</summary>
    public TaskRetryOptions? Retry { get; }

    /// <summary>Options retrying with a declarative policy.</summary>
    public static TaskOptions FromRetryPolicy(RetryPolicy policy) => new(new TaskRetryOptions(policy));

    /// <summary>Options retrying through a custom handler.</summary>
    public static TaskOptions FromRetryHandler(AsyncRetryHandler handler) => new(new TaskRetryOptions(handler));

    /// <summary>Sub-orchestration options pinning the child's instance id.</summary>
    public SubOrchestrationOptions WithInstanceId(string instanceId) => new(instanceId, Retry);
}

/// <summary>Options for a sub-orchestration call: a caller-chosen instance id and retries.</summary>
public sealed class SubOrchestrationOptions(string? instanceId, TaskRetryOptions? retry = null) : TaskOptions(retry)
{
    /// <summary>The child's instance id; null lets the engine derive a deterministic one.</summary>
    public string? InstanceId { get; } = instanceId;
}

/// <summary>Either a declarative <see cref="RetryPolicy"/> or a custom handler.</summary>
public sealed class TaskRetryOptions
{
    /// <summary>Retry with a declarative policy.</summary>
    public TaskRetryOptions(RetryPolicy policy) => Policy = policy;

    /// <summary>Retry while the handler says so.</summary>
    public TaskRetryOptions(AsyncRetryHandler handler) => Handler = handler;

    /// <summary>The declarative policy, if any.</summary>
    public RetryPolicy? Policy { get; }

    /// <summary>The custom handler, if any.</summary>
    public AsyncRetryHandler? Handler { get; }
}

/// <summary>Decides whether to retry; it may create durable timers through <see cref="RetryContext.OrchestrationContext"/>.</summary>
public delegate Task<bool> AsyncRetryHandler(RetryContext context);

/// <summary>What a retry handler knows about the failed attempt.</summary>
public sealed record RetryContext(
    TaskOrchestrationContext OrchestrationContext,
    int LastAttemptNumber,
    TaskFailureDetails LastFailure,
    TimeSpan TotalRetryTime);

/// <summary>
/// Declarative durable retries (the Durable Functions semantics): delay before retry k (k = 0 for the first retry)
/// = <c>FirstRetryInterval × BackoffCoefficient^k</c>, capped at <see cref="MaxRetryInterval"/>; nothing is retried
/// after <see cref="MaxNumberOfAttempts"/> attempts or once the first attempt is older than <see cref="RetryTimeout"/>.
/// Each wait is a durable timer, so a retry schedule survives restarts.
/// </summary>
public sealed class RetryPolicy
{
    /// <summary>Creates a policy; arguments are checked as durabletask-dotnet checks them.</summary>
    public RetryPolicy(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(maxNumberOfAttempts, 1);
        ArgumentOutOfRangeException.ThrowIfLessThanOrEqual(firstRetryInterval, TimeSpan.Zero);
        ArgumentOutOfRangeException.ThrowIfLessThan(backoffCoefficient, 1.0);
        MaxNumberOfAttempts = maxNumberOfAttempts;
        FirstRetryInterval = firstRetryInterval;
        BackoffCoefficient = backoffCoefficient;
        MaxRetryInterval = maxRetryInterval ?? (firstRetryInterval > TimeSpan.FromHours(1) ? firstRetryInterval : TimeSpan.FromHours(1));
        RetryTimeout = retryTimeout ?? Timeout.InfiniteTimeSpan;
        if (MaxRetryInterval < FirstRetryInterval)
        {
            throw new ArgumentOutOfRangeException(nameof(maxRetryInterval), "maxRetryInterval must be at least firstRetryInterval.");
        }
    }

    /// <summary>Total attempts including the first.</summary>
    public int MaxNumberOfAttempts { get; }

    /// <summary>Delay before the first retry.</summary>
    public TimeSpan FirstRetryInterval { get; }

    /// <summary>Growth factor of the delay.</summary>
    public double BackoffCoefficient { get; }

    /// <summary>Upper bound of one delay (default one hour, or the first interval when that is longer).</summary>
    public TimeSpan MaxRetryInterval { get; }

    /// <summary>No retry starts later than this after the first attempt (infinite by default).</summary>
    public TimeSpan RetryTimeout { get; }

    /// <summary>Which failures to retry; by default every failure not marked non-retriable.</summary>
    public Func<TaskFailureDetails, bool> HandleFailure { get; init; } = failure => !failure.IsNonRetriable;

    /// <summary>The delay before the next attempt, or null when the policy gives up.</summary>
    /// <param name="attempt">The number of the attempt that just failed (1 = the first).</param>
    /// <param name="elapsed">Time since the first attempt started.</param>
    /// <param name="failure">How it failed.</param>
    public TimeSpan? NextDelay(int attempt, TimeSpan elapsed, TaskFailureDetails failure)
    {
        if (attempt >= MaxNumberOfAttempts || !HandleFailure(failure))
        {
            return null;
        }

        // Computed in ticks as a double and capped before it becomes a TimeSpan: a long policy (hundreds of attempts)
        // would otherwise overflow TimeSpan long after the cap applies.
        var ticks = FirstRetryInterval.Ticks * Math.Pow(BackoffCoefficient, attempt - 1);
        var delay = double.IsFinite(ticks) && ticks < MaxRetryInterval.Ticks ? TimeSpan.FromTicks((long)ticks) : MaxRetryInterval;

        if (RetryTimeout != Timeout.InfiniteTimeSpan && elapsed + delay > RetryTimeout)
        {
            return null;
        }

        return delay;
    }
}

/// <summary>Options for starting an orchestration from a client.</summary>
/// <param name="InstanceId">The caller's id for the instance; a new GUID when null.</param>
/// <param name="StartAt">Run no earlier than this.</param>
public sealed record StartOrchestrationOptions(string? InstanceId = null, DateTimeOffset? StartAt = null)
{
    /// <summary>Caller-supplied tags stored with the instance.</summary>
    public IReadOnlyDictionary<string, string>? Tags { get; init; }
}
