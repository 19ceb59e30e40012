namespace Peeker.Durable;

/// <summary>An activity or sub-orchestration failed; thrown into the orchestrator, where it can be caught.</summary>
public class TaskFailedException : Exception
{
    /// <summary>Creates the exception for the named task.</summary>
    public TaskFailedException(string taskName, int taskId, TaskFailureDetails failureDetails)
        : base($"Task '{taskName}' (#{taskId}) failed with an unhandled exception: {failureDetails.ErrorMessage}")
    {
        TaskName = taskName;
        TaskId = taskId;
        FailureDetails = failureDetails;
    }

    public TaskFailedException()
        : this("unknown", -1, new TaskFailureDetails("unknown", "unknown"))
    {
    }

    public TaskFailedException(string message)
        : this("unknown", -1, new TaskFailureDetails("unknown", message))
    {
    }

    public TaskFailedException(string message, Exception innerException)
        : base(message, innerException)
    {
        TaskName = "unknown";
        FailureDetails = TaskFailureDetails.FromException(innerException);
    }

    /// <summary>Name of the failed activity or sub-orchestration.</summary>
    public string TaskName { get; } = "unknown";

    /// <summary>The EventId of its scheduling event.</summary>
    public int TaskId { get; }

    /// <summary>What went wrong.</summary>
    public TaskFailureDetails FailureDetails { get; }
}

/// <summary>The orchestrator's code produced actions that do not match its recorded history.</summary>
public sealed class NonDeterministicOrchestrationException : Exception
{
    public NonDeterministicOrchestrationException(string message)
        : base(message)
    {
    }

    public NonDeterministicOrchestrationException()
    {
    }

    public NonDeterministicOrchestrationException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>A start was rejected because an instance with that id is still pending, running or suspended.</summary>
public sealed class OrchestrationAlreadyExistsException : InvalidOperationException
{
    public OrchestrationAlreadyExistsException(string instanceId, OrchestrationRuntimeStatus status)
        : base($"An orchestration with instance id '{instanceId}' already exists and is {status}.")
    {
        InstanceId = instanceId;
        Status = status;
    }

    public OrchestrationAlreadyExistsException()
    {
    }

    public OrchestrationAlreadyExistsException(string message)
        : base(message)
    {
    }

    public OrchestrationAlreadyExistsException(string message, Exception innerException)
        : base(message, innerException)
    {
    }

    /// <summary>The id that was asked for.</summary>
    public string InstanceId { get; } = string.Empty;

    /// <summary>The existing instance's status.</summary>
    public OrchestrationRuntimeStatus Status { get; }
}

/// <summary>No instance has the given id.</summary>
public sealed class OrchestrationNotFoundException : InvalidOperationException
{
    public OrchestrationNotFoundException(string instanceId)
        : base($"No orchestration instance with id '{instanceId}'.")
    {
    }

    public OrchestrationNotFoundException()
    {
    }

    public OrchestrationNotFoundException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
