using Peeker.Durable.Retries;

namespace Peeker.Activities.Provisioning;

/// <summary>Thrown by polling activities while the awaited state is not reached yet; always retryable.</summary>
public sealed class NotReadyYetException : Exception, IRetryClassified
{
    public NotReadyYetException(string message)
        : base(message) { }

    public NotReadyYetException() { }

    public NotReadyYetException(string message, Exception innerException)
        : base(message, innerException) { }

    public bool IsRetryable => true;
}
