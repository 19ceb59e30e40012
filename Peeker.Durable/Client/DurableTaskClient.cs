using System.Runtime.CompilerServices;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.Client;

/// <summary>
/// Starts, inspects and manages orchestration instances (durabletask-dotnet's DurableTaskClient shape).
/// </summary>
public sealed class DurableTaskClient(IOrchestrationBackend backend, TimeProvider time, DataConverter? converter = null)
{
    private readonly DataConverter _converter = converter ?? DataConverter.Default;

    /// <summary>The backend this client talks to.</summary>
    public IOrchestrationBackend Backend => backend;

    /// <summary>
    /// Starts an instance and returns its id (the caller's, if given). Throws
    /// <see cref="OrchestrationAlreadyExistsException"/> when that id is still pending, running or suspended.
    /// </summary>
    public async Task<string> ScheduleNewOrchestrationInstanceAsync(
        string orchestratorName,
        object? input = null,
        StartOrchestrationOptions? options = null,
        CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(orchestratorName);
        var instanceId = options?.InstanceId ?? Guid.NewGuid().ToString("N");
        var executionId = Guid.NewGuid().ToString("N");
        var now = time.GetUtcNow().UtcDateTime;
        var serialized = _converter.Serialize(input);
        var startAt = options?.StartAt?.UtcDateTime;
        var start = new HistoryEvent
        {
            EventType = EventType.ExecutionStarted,
            Timestamp = now,
            Name = orchestratorName,
            Input = serialized,
            ExecutionId = executionId,
            ScheduledStartTime = startAt,
            Generation = 0,
            Tags = options?.Tags,
        };
        var state = new OrchestrationState
        {
            InstanceId = instanceId,
            Name = orchestratorName,
            ExecutionId = executionId,
            RuntimeStatus = OrchestrationRuntimeStatus.Pending,
            Input = serialized,
            CreatedTime = now,
            LastUpdatedTime = now,
            ScheduledStartTime = startAt,
            Tags = options?.Tags,
        };
        var message = new TaskMessage { MessageId = NewId(), InstanceId = instanceId, ExecutionId = executionId, Event = start, VisibleAt = startAt };
        await backend.CreateInstanceAsync(state, message, cancellationToken);
        return instanceId;
    }

    /// <summary>The instance's metadata, or null when it does not exist.</summary>
    public async Task<OrchestrationMetadata?> GetInstanceAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default)
    {
        var state = await backend.GetStateAsync(instanceId, getInputsAndOutputs, cancellationToken);
        return state is null ? null : ToMetadata(state, getInputsAndOutputs);
    }

    /// <summary>The current execution's history events (ops views and replay tests).</summary>
    public Task<IReadOnlyList<HistoryEvent>> GetOrchestrationHistoryAsync(string instanceId, CancellationToken cancellationToken = default) =>
        backend.GetHistoryAsync(instanceId, cancellationToken);

    /// <summary>Waits until the instance has left Pending.</summary>
    public Task<OrchestrationMetadata> WaitForInstanceStartAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, s => s != OrchestrationRuntimeStatus.Pending, cancellationToken);

    /// <summary>Waits until the instance is Completed, Failed or Terminated.</summary>
    public Task<OrchestrationMetadata> WaitForInstanceCompletionAsync(string instanceId, bool getInputsAndOutputs = false, CancellationToken cancellationToken = default) =>
        WaitAsync(instanceId, getInputsAndOutputs, s => s.IsTerminal(), cancellationToken);

    /// <summary>Delivers an external event to a running instance.</summary>
    public Task RaiseEventAsync(string instanceId, string eventName, object? eventPayload = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { EventType = EventType.EventRaised, Name = eventName, Input = _converter.Serialize(eventPayload) }, cancellationToken);

    /// <summary>Stops a running instance; its status becomes Terminated with <paramref name="output"/> as output.</summary>
    public Task TerminateInstanceAsync(string instanceId, object? output = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionTerminated, Input = _converter.Serialize(output) }, cancellationToken);

    /// <summary>Pauses an instance: it records new events but does not act on them until resumed.</summary>
    public Task SuspendInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionSuspended, Reason = reason }, cancellationToken);

    /// <summary>Resumes a suspended instance.</summary>
    public Task ResumeInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default) =>
        SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionResumed, Reason = reason }, cancellationToken);

    /// <summary>Re-runs a Failed instance from its first failure (failed activities run again).</summary>
    public async Task RewindInstanceAsync(string instanceId, string? reason = null, CancellationToken cancellationToken = default)
    {
        var state = await backend.GetStateAsync(instanceId, false, cancellationToken) ?? throw new OrchestrationNotFoundException(instanceId);
        if (state.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            throw new InvalidOperationException($"Only Failed instances can be rewound; '{instanceId}' is {state.RuntimeStatus}.");
        }

        await SendAsync(instanceId, new HistoryEvent { EventType = EventType.ExecutionRewound, Reason = reason }, cancellationToken);
    }

    /// <summary>Deletes a finished instance's state and history.</summary>
    public async Task<PurgeResult> PurgeInstanceAsync(string instanceId, CancellationToken cancellationToken = default)
    {
        var state = await backend.GetStateAsync(instanceId, false, cancellationToken);
        if (state is null || !state.RuntimeStatus.IsTerminal())
        {
            return new PurgeResult(0);
        }

        return new PurgeResult(await backend.PurgeAsync(instanceId, cancellationToken));
    }

    /// <summary>Deletes every finished instance matching the filter.</summary>
    public async Task<PurgeResult> PurgeAllInstancesAsync(PurgeInstancesFilter filter, CancellationToken cancellationToken = default)
    {
        var statuses = filter.Statuses is { Count: > 0 } ? filter.Statuses.Where(s => s.IsTerminal()).ToList()
            : [OrchestrationRuntimeStatus.Completed, OrchestrationRuntimeStatus.Failed, OrchestrationRuntimeStatus.Terminated];
        var purged = 0;
        var ids = new List<string>();
        await foreach (var instance in GetAllInstancesAsync(new OrchestrationQuery { CreatedFrom = filter.CreatedFrom, CreatedTo = filter.CreatedTo, Statuses = statuses }, cancellationToken))
        {
            ids.Add(instance.InstanceId);
        }

        foreach (var id in ids)
        {
            purged += await backend.PurgeAsync(id, cancellationToken);
        }

        return new PurgeResult(purged);
    }

    /// <summary>One page of instances matching the query.</summary>
    public async Task<OrchestrationQueryResult> QueryInstancesAsync(OrchestrationQuery query, CancellationToken cancellationToken = default)
    {
        var (states, token) = await backend.QueryAsync(query, cancellationToken);
        return new OrchestrationQueryResult([.. states.Select(s => ToMetadata(s, query.FetchInputsAndOutputs))], token);
    }

    /// <summary>Every instance matching the query, page by page.</summary>
    public async IAsyncEnumerable<OrchestrationMetadata> GetAllInstancesAsync(
        OrchestrationQuery? query = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var page = query ?? new OrchestrationQuery();
        while (true)
        {
            var result = await QueryInstancesAsync(page, cancellationToken);
            foreach (var instance in result.Instances)
            {
                yield return instance;
            }

            if (result.ContinuationToken is null)
            {
                yield break;
            }

            page = page with { ContinuationToken = result.ContinuationToken };
        }
    }

    private async Task SendAsync(string instanceId, HistoryEvent e, CancellationToken cancellationToken)
    {
        _ = await backend.GetStateAsync(instanceId, false, cancellationToken) ?? throw new OrchestrationNotFoundException(instanceId);
        await backend.SendMessageAsync(
            new TaskMessage { MessageId = NewId(), InstanceId = instanceId, Event = e with { Timestamp = time.GetUtcNow().UtcDateTime } },
            cancellationToken);
    }

    private async Task<OrchestrationMetadata> WaitAsync(string instanceId, bool payloads, Func<OrchestrationRuntimeStatus, bool> done, CancellationToken cancellationToken)
    {
        var delay = TimeSpan.FromMilliseconds(10);
        while (true)
        {
            var state = await backend.GetStateAsync(instanceId, payloads, cancellationToken);
            if (state is not null && done(state.RuntimeStatus))
            {
                return ToMetadata(state, payloads);
            }

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 1.5, 500));
        }
    }

    private static OrchestrationMetadata ToMetadata(OrchestrationState state, bool payloads) => new()
    {
        Name = state.Name,
        InstanceId = state.InstanceId,
        ExecutionId = state.ExecutionId,
        RuntimeStatus = state.RuntimeStatus,
        CreatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.CreatedTime, DateTimeKind.Utc)),
        LastUpdatedAt = new DateTimeOffset(DateTime.SpecifyKind(state.LastUpdatedTime, DateTimeKind.Utc)),
        CompletedAt = state.CompletedTime is { } completed ? new DateTimeOffset(DateTime.SpecifyKind(completed, DateTimeKind.Utc)) : null,
        SerializedInput = payloads ? state.Input : null,
        SerializedOutput = payloads ? state.Output : null,
        SerializedCustomStatus = state.CustomStatus,
        FailureDetails = state.FailureDetails,
        Tags = state.Tags,
    };

    private static string NewId() => Guid.NewGuid().ToString("N");
}
