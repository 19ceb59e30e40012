using Microsoft.DurableTask;

namespace Peeker.Durable.Retries;

/// <summary>An exception that knows whether trying again can help (a provider's 4xx cannot; a 503 can).</summary>
public interface IRetryClassified
{
    /// <summary>False when a retry would fail the same way.</summary>
    bool IsRetryable { get; }
}

/// <summary>
/// Thrown in place of an activity's <see cref="IRetryClassified"/> exception that says a retry cannot help. Its
/// type name in the failure details is what <see cref="DurableRetry.IsRetriable"/> reads: the SDK's activity shim
/// drops DTFx's exception properties, so the type is the one signal that survives into the orchestration.
/// </summary>
public sealed class NonRetriableTaskException : Exception
{
    /// <summary>Wraps <paramref name="innerException"/>, keeping its message.</summary>
    public NonRetriableTaskException(string message, Exception innerException)
        : base(message, innerException) { }

    /// <summary>Creates the exception with a message.</summary>
    public NonRetriableTaskException(string message)
        : base(message) { }

    /// <summary>Creates the exception.</summary>
    public NonRetriableTaskException() { }
}

/// <summary>Durable retry policies that fail fast on non-retriable failures.</summary>
public static class DurableRetry
{
    /// <summary>False when the failure (or one it wraps) was marked non-retriable by the activity.</summary>
    public static bool IsRetriable(TaskFailureDetails failure)
    {
        ArgumentNullException.ThrowIfNull(failure);
        for (var current = failure; current is not null; current = current.InnerFailure)
        {
            if (string.Equals(current.ErrorType, typeof(NonRetriableTaskException).FullName, StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// A <see cref="RetryPolicy"/> (Durable Functions' semantics: delay k = first × backoff^k, capped; each wait a
    /// durable timer) that retries only retriable failures.
    /// </summary>
    public static TaskOptions Options(
        int maxNumberOfAttempts,
        TimeSpan firstRetryInterval,
        double backoffCoefficient = 1.0,
        TimeSpan? maxRetryInterval = null,
        TimeSpan? retryTimeout = null
    ) =>
        TaskOptions.FromRetryPolicy(
            new RetryPolicy(maxNumberOfAttempts, firstRetryInterval, backoffCoefficient, maxRetryInterval, retryTimeout)
            {
                HandleFailure = IsRetriable,
            }
        );
}
