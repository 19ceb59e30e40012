namespace Peeker.Durable;

/// <summary>What went wrong in an activity, sub-orchestration or orchestration, in a serializable form.</summary>
/// <param name="ErrorType">Full name of the exception type.</param>
/// <param name="ErrorMessage">The exception's message.</param>
/// <param name="StackTrace">Where it was thrown.</param>
/// <param name="InnerFailure">The inner exception's details.</param>
/// <param name="IsNonRetriable">True when the failing code said retrying cannot help (see <see cref="IRetryClassified"/>).</param>
public sealed record TaskFailureDetails(
    string ErrorType,
    string ErrorMessage,
    string? StackTrace = null,
    TaskFailureDetails? InnerFailure = null,
    bool IsNonRetriable = false)
{
    /// <summary>Builds the details of an exception (and its inner exceptions).</summary>
    public static TaskFailureDetails FromException(Exception exception) => new(
        exception.GetType().FullName ?? exception.GetType().Name,
        exception.Message,
        exception.StackTrace,
        exception.InnerException is null ? null : FromException(exception.InnerException),
        exception is IRetryClassified { IsRetryable: false });

    /// <summary>True when the failure was caused by an exception of type <typeparamref name="T"/> (or a subtype name match).</summary>
    public bool IsCausedBy<T>()
        where T : Exception => string.Equals(ErrorType, typeof(T).FullName, StringComparison.Ordinal);

    /// <inheritdoc />
    public override string ToString() => $"{ErrorType}: {ErrorMessage}";
}

/// <summary>An exception that knows whether retrying the operation can help (provider errors implement it).</summary>
public interface IRetryClassified
{
    /// <summary>False for permanent failures (validation, 4xx other than 408/429): retry policies skip them.</summary>
    bool IsRetryable { get; }
}
