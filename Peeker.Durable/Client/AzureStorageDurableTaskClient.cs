using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Durable.Hosting;
using Core = DurableTask.Core;
using CoreQuery = DurableTask.Core.Query.OrchestrationQuery;

namespace Peeker.Durable.Client;

/// <summary>
/// The SDK's <see cref="DurableTaskClient"/> over DTFx: starts, events, terminate, suspend and resume go through
/// <see cref="TaskHubClient"/> on the hub's client service (its own storage throttle, so the worker's backlog does not
/// delay them); status, query, purge, rewind and history through the Azure Storage service. Inputs and
/// outputs use the same JSON converter as the worker.
/// </summary>
/// <remarks>
/// A start is rejected with <see cref="Core.Exceptions.OrchestrationAlreadyExistsException"/> when the id is pending,
/// running or suspended (Durable Functions' rule), or in any state listed in
/// <see cref="StartOrchestrationOptions.DedupeStatuses"/> when the caller gives them.
/// </remarks>
public sealed class AzureStorageDurableTaskClient : DurableTaskClient
{
    private static readonly Core.OrchestrationStatus[] RunningStatuses =
    [
        Core.OrchestrationStatus.Pending,
        Core.OrchestrationStatus.Running,
        Core.OrchestrationStatus.Suspended,
    ];

    private readonly DurableTaskHub _hub;
    private readonly TaskHubClient _client;

    /// <summary>Creates a client on the host's hub.</summary>
    public AzureStorageDurableTaskClient(DurableTaskHub hub, Microsoft.Extensions.Logging.ILoggerFactory loggerFactory)
        : base(hub?.Options.HubName ?? throw new ArgumentNullException(nameof(hub)))
    {
        _hub = hub;
        _client = new TaskHubClient(hub.ClientService, DurableDataConverter.Default, loggerFactory);
    }

    private AzureStorageOrchestrationService Service => _hub.Service;

    /// <inheritdoc />
    public override async Task<string> ScheduleNewOrchestrationInstanceAsync(
        TaskName orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellation = default
    )
    {
        await _hub.EnsureCreatedAsync(cancellation);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        var dedupe = options?.DedupeStatuses is { Count: > 0 } statuses
            ? [.. statuses.Select(s => Enum.Parse<OrchestrationRuntimeStatus>(s, ignoreCase: true).ToCore())]
            : RunningStatuses;
        var tags = options?.Tags?.ToDictionary(t => t.Key, t => t.Value);
        var instance = options?.StartAt is { } startAt
            ? await _client.CreateScheduledOrchestrationInstanceAsync(
                orchestratorName.Name,
                options.Version?.Version ?? string.Empty,
                instanceId,
                input,
                startAt.UtcDateTime
            )
            : await _client.CreateOrchestrationInstanceAsync(
                orchestratorName.Name,
                options?.Version?.Version ?? string.Empty,
                instanceId,
                input,
                tags,
                dedupe
            );
        return instance.InstanceId;
    }

    /// <inheritdoc />
    public override Task RaiseEventAsync(
        string instanceId,
        string eventName,
        object? eventPayload = null,
        CancellationToken cancellation = default
    ) => _client.RaiseEventAsync(new OrchestrationInstance { InstanceId = instanceId }, eventName, eventPayload!);

    /// <inheritdoc />
    public override Task TerminateInstanceAsync(
        string instanceId,
        TerminateInstanceOptions? options = null,
        CancellationToken cancellation = default
    ) =>
        _client.TerminateInstanceAsync(
            new OrchestrationInstance { InstanceId = instanceId },
            DurableDataConverter.Default.Serialize(options?.Output) ?? string.Empty
        );

    /// <inheritdoc />
    public override Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        _client.SuspendInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason ?? string.Empty);

    /// <inheritdoc />
    public override Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellation = default) =>
        _client.ResumeInstanceAsync(new OrchestrationInstance { InstanceId = instanceId }, reason ?? string.Empty);

    /// <inheritdoc />
    public override Task RewindInstanceAsync(string instanceId, string reason, CancellationToken cancellation = default) =>
        Service.RewindTaskOrchestrationAsync(instanceId, reason);

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata?> GetInstancesAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellation = default
    )
    {
        var states = await Service.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: getInputsAndOutputs);
        return states is { Count: > 0 } ? ToMetadata(states[0], getInputsAndOutputs) : null;
    }

    /// <inheritdoc />
    public override AsyncPageable<OrchestrationMetadata> GetAllInstancesAsync(OrchestrationQuery? filter = null) =>
        Pageable.Create(
            async (continuation, pageSize, cancellation) =>
            {
                var query = new CoreQuery
                {
                    RuntimeStatus = filter?.Statuses?.Select(s => s.ToCore()).ToList(),
                    CreatedTimeFrom = filter?.CreatedFrom?.UtcDateTime,
                    CreatedTimeTo = filter?.CreatedTo?.UtcDateTime,
                    InstanceIdPrefix = filter?.InstanceIdPrefix,
                    PageSize = pageSize ?? filter?.PageSize ?? OrchestrationQuery.DefaultPageSize,
                    ContinuationToken = continuation ?? filter?.ContinuationToken,
                    FetchInputsAndOutputs = filter?.FetchInputsAndOutputs ?? false,
                };
                var result = await Service.GetOrchestrationWithQueryAsync(query, cancellation);
                return new Page<OrchestrationMetadata>(
                    [.. result.OrchestrationState.Select(s => ToMetadata(s, query.FetchInputsAndOutputs))],
                    result.ContinuationToken
                );
            }
        );

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata> WaitForInstanceStartAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellation = default
    )
    {
        while (true)
        {
            var instance = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);
            if (instance is not null && instance.RuntimeStatus != OrchestrationRuntimeStatus.Pending)
            {
                return instance;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }
    }

    /// <inheritdoc />
    public override async Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(
        string instanceId,
        bool getInputsAndOutputs = false,
        CancellationToken cancellation = default
    )
    {
        // Polls the instance row: cheap on the Instances table, and honours the caller's token (DTFx's own wait does not
        // re-read inputs). 250 ms keeps tests and tools responsive without hammering storage.
        while (true)
        {
            var instance = await GetInstancesAsync(instanceId, getInputsAndOutputs, cancellation);
            if (instance is { IsCompleted: true })
            {
                return instance;
            }

            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellation);
        }
    }

    /// <inheritdoc />
    public override async Task<Microsoft.DurableTask.Client.PurgeResult> PurgeInstanceAsync(
        string instanceId,
        PurgeInstanceOptions? options = null,
        CancellationToken cancellation = default
    )
    {
        var instance = await GetInstancesAsync(instanceId, false, cancellation);
        if (instance is null)
        {
            return new Microsoft.DurableTask.Client.PurgeResult(0);
        }

        if (!instance.IsCompleted)
        {
            throw new InvalidOperationException($"Only finished instances can be purged; '{instanceId}' is {instance.RuntimeStatus}.");
        }

        var result = await ((IOrchestrationServicePurgeClient)Service).PurgeInstanceStateAsync(instanceId);
        return new Microsoft.DurableTask.Client.PurgeResult(result.DeletedInstanceCount);
    }

    /// <inheritdoc />
    public override async Task<Microsoft.DurableTask.Client.PurgeResult> PurgeAllInstancesAsync(
        PurgeInstancesFilter filter,
        PurgeInstanceOptions? options = null,
        CancellationToken cancellation = default
    )
    {
        ArgumentNullException.ThrowIfNull(filter);
        var statuses = (
            filter.Statuses
            ?? [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated]
        )
            .Select(s => s.ToCore())
            .ToList();
        var coreFilter = new PurgeInstanceFilter(
            filter.CreatedFrom?.UtcDateTime ?? DateTime.MinValue,
            filter.CreatedTo?.UtcDateTime,
            statuses
        );
        var result = await ((IOrchestrationServicePurgeClient)Service).PurgeInstanceStateAsync(coreFilter);
        return new Microsoft.DurableTask.Client.PurgeResult(result.DeletedInstanceCount);
    }

    /// <inheritdoc />
    public override async Task<IList<HistoryEvent>> GetOrchestrationHistoryAsync(
        string instanceId,
        CancellationToken cancellation = default
    )
    {
        var instance =
            await GetInstancesAsync(instanceId, false, cancellation)
            ?? throw new ArgumentException($"No orchestration instance with id '{instanceId}'.", nameof(instanceId));
        var json = await Service.GetOrchestrationHistoryAsync(instanceId, null);
        _ = instance;
        return HistoryJson.Deserialize(json);
    }

    /// <inheritdoc />
    public override ValueTask DisposeAsync() => default;

    private static OrchestrationMetadata ToMetadata(OrchestrationState state, bool withData) =>
        new(state.Name, state.OrchestrationInstance.InstanceId)
        {
            DataConverter = withData ? DurableDataConverter.Sdk : null,
            RuntimeStatus = state.OrchestrationStatus.ToSdk(),
            CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
            LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
            SerializedInput = withData ? state.Input : null,
            SerializedOutput = withData ? state.Output : null,
            SerializedCustomStatus = state.Status,
            FailureDetails = ToSdk(state.FailureDetails) ?? FailureFromOutput(state),
            Tags = state.Tags is { } tags ? new Dictionary<string, string>(tags) : new Dictionary<string, string>(),
        };

    /// <summary>
    /// The Azure Storage provider stores a failed instance's failure as its output (<c>"{type}: {message}"</c>, DTFx's
    /// <c>FailureDetails.ToString()</c>) and leaves the row's failure details empty: read it back from there.
    /// </summary>
    private static TaskFailureDetails? FailureFromOutput(OrchestrationState state)
    {
        if (state.OrchestrationStatus != Core.OrchestrationStatus.Failed || string.IsNullOrEmpty(state.Output))
        {
            return null;
        }

        var split = state.Output.IndexOf(": ", StringComparison.Ordinal);
        return split > 0 && !state.Output[..split].Contains(' ', StringComparison.Ordinal)
            ? new TaskFailureDetails(state.Output[..split], state.Output[(split + 2)..], null, null, null)
            : new TaskFailureDetails("Failure", state.Output, null, null, null);
    }

    private static TaskFailureDetails? ToSdk(FailureDetails? failure) =>
        failure is null
            ? null
            : new TaskFailureDetails(
                failure.ErrorType,
                failure.ErrorMessage,
                failure.StackTrace,
                ToSdk(failure.InnerFailure),
                failure.Properties
            );
}
