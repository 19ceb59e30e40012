using Peeker.Durable.Runtime;

namespace Peeker.Durable;

/// <summary>What a client knows about an instance (durabletask-dotnet's shape).</summary>
public sealed record OrchestrationMetadata
{
    public required string Name { get; init; }

    public required string InstanceId { get; init; }

    public required OrchestrationRuntimeStatus RuntimeStatus { get; init; }

    public string? ExecutionId { get; init; }

    public DateTimeOffset CreatedAt { get; init; }

    public DateTimeOffset LastUpdatedAt { get; init; }

    public DateTimeOffset? CompletedAt { get; init; }

    /// <summary>Serialized input; null unless asked for.</summary>
    public string? SerializedInput { get; init; }

    /// <summary>Serialized output; null unless asked for.</summary>
    public string? SerializedOutput { get; init; }

    public string? SerializedCustomStatus { get; init; }

    public TaskFailureDetails? FailureDetails { get; init; }

    public IReadOnlyDictionary<string, string>? Tags { get; init; }

    public bool IsRunning => RuntimeStatus is OrchestrationRuntimeStatus.Running;

    public bool IsCompleted => RuntimeStatus.IsTerminal();

    /// <summary>The input as <typeparamref name="T"/>.</summary>
    public T? ReadInputAs<T>() => DataConverter.Default.Deserialize<T>(SerializedInput);

    /// <summary>The output as <typeparamref name="T"/>.</summary>
    public T? ReadOutputAs<T>() => DataConverter.Default.Deserialize<T>(SerializedOutput);

    /// <summary>The custom status as <typeparamref name="T"/>.</summary>
    public T? ReadCustomStatusAs<T>() => DataConverter.Default.Deserialize<T>(SerializedCustomStatus);
}

/// <summary>A filter over instances; every condition is optional.</summary>
public sealed record OrchestrationQuery
{
    public DateTimeOffset? CreatedFrom { get; init; }

    public DateTimeOffset? CreatedTo { get; init; }

    public IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses { get; init; }

    public string? InstanceIdPrefix { get; init; }

    /// <summary>Instances per page.</summary>
    public int PageSize { get; init; } = 100;

    public bool FetchInputsAndOutputs { get; init; }

    /// <summary>Opaque token from the previous page.</summary>
    public string? ContinuationToken { get; init; }
}

/// <summary>One page of a query.</summary>
public sealed record OrchestrationQueryResult(IReadOnlyList<OrchestrationMetadata> Instances, string? ContinuationToken);

/// <summary>Which instances a bulk purge removes.</summary>
public sealed record PurgeInstancesFilter(
    DateTimeOffset? CreatedFrom = null,
    DateTimeOffset? CreatedTo = null,
    IReadOnlyCollection<OrchestrationRuntimeStatus>? Statuses = null);

/// <summary>How many instances a purge removed.</summary>
public sealed record PurgeResult(int PurgedInstanceCount);
