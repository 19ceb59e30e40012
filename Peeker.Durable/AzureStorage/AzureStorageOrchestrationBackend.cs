using System.Globalization;
using System.Text.Json;
using Azure;
using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Models;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>
/// The engine on Azure Storage with the Durable Task Framework's layout: <c>{hub}History</c> and <c>{hub}Instances</c>
/// tables, <c>{hub}-control-NN</c> and <c>{hub}-workitems</c> queues, <c>{hub}-leases</c> and <c>{hub}-largemessages</c>
/// containers and a <c>{hub}Poison</c> table. Partitions (control queues) are owned through blob leases whose epoch
/// fences checkpoints; a checkpoint sends messages, appends history under the sentinel ETag, updates the instance
/// row, then deletes the consumed messages.
/// </summary>
public sealed partial class AzureStorageOrchestrationBackend : IOrchestrationBackend, IPartitionListener, IAsyncDisposable
{
    private readonly AzureStorageOptions _options;
    private readonly TimeProvider _time;
    private readonly DataConverter _converter;
    private readonly ILogger _logger;
    private readonly TableClient _history;
    private readonly TableClient _instances;
    private readonly TableClient _poison;
    private readonly QueueClient[] _control;
    private readonly QueueClient _workItems;
    private readonly BlobContainerClient _leaseContainer;
    private readonly LargePayloadStore _payloads;
    private readonly HistoryEntities _historyEntities;
    private readonly InstanceEntities _instanceEntities;
    private readonly MessageCodec _codec;
    private readonly PartitionManager _partitions;

    /// <summary>Creates the backend; nothing is contacted until <see cref="CreateIfNotExistsAsync"/> or a call.</summary>
    public AzureStorageOrchestrationBackend(AzureStorageOptions options, TimeProvider time, DataConverter? converter = null, ILoggerFactory? loggerFactory = null)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PartitionCount, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PartitionCount, 16);
        _options = options;
        _time = time;
        _converter = converter ?? DataConverter.Default;
        _logger = (loggerFactory ?? NullLoggerFactory.Instance).CreateLogger("Peeker.Durable.AzureStorage");
        var tableOptions = new TableClientOptions();
        tableOptions.AddPolicy(RequestCounter, Azure.Core.HttpPipelinePosition.PerRetry);
        var queueOptions = new QueueClientOptions();
        queueOptions.AddPolicy(RequestCounter, Azure.Core.HttpPipelinePosition.PerRetry);
        var blobOptions = new BlobClientOptions();
        blobOptions.AddPolicy(RequestCounter, Azure.Core.HttpPipelinePosition.PerRetry);
        var tables = new TableServiceClient(options.ConnectionString, tableOptions);
        var queues = new QueueServiceClient(options.ConnectionString, queueOptions);
        var blobs = new BlobServiceClient(options.ConnectionString, blobOptions);
        var hub = options.HubName;
        _history = tables.GetTableClient(StorageNames.HistoryTable(hub));
        _instances = tables.GetTableClient(StorageNames.InstancesTable(hub));
        _poison = tables.GetTableClient(StorageNames.PoisonTable(hub));
        _control = [.. Enumerable.Range(0, options.PartitionCount).Select(p => queues.GetQueueClient(StorageNames.ControlQueue(hub, p)))];
        _workItems = queues.GetQueueClient(StorageNames.WorkItemQueue(hub));
        _leaseContainer = blobs.GetBlobContainerClient(StorageNames.LeaseContainer(hub));
        _payloads = new LargePayloadStore(blobs.GetBlobContainerClient(StorageNames.LargeMessageContainer(hub)));
        _historyEntities = new HistoryEntities(_converter, _payloads);
        _instanceEntities = new InstanceEntities(_converter, _payloads, hub);
        _codec = new MessageCodec(_converter, _payloads);
        _controlSignals = [.. Enumerable.Range(0, options.PartitionCount).Select(_ => new AsyncSignal())];
        var workerId = options.WorkerId ?? $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..6]}";
        _partitions = new PartitionManager(_leaseContainer, options, workerId, time, this, _logger);
    }

    /// <summary>Storage requests sent by this backend (benchmarks report requests per activity).</summary>
    public StorageRequestCounter RequestCounter { get; } = new();

    /// <summary>The options in use.</summary>
    public AzureStorageOptions Options => _options;

    /// <summary>Partitions this worker owns now.</summary>
    public IReadOnlyCollection<int> OwnedPartitions => _partitions.OwnedPartitions;

    /// <summary>This worker's id in lease metadata.</summary>
    public string WorkerId => _partitions.WorkerId;

    /// <summary>The control queue (partition) of an instance.</summary>
    public int PartitionOf(string instanceId) => StorageNames.PartitionOf(instanceId, _options.PartitionCount);

    public Task CreateIfNotExistsAsync(CancellationToken cancellationToken)
    {
        lock (_createGate)
        {
            if (_created is null || _created.IsFaulted || _created.IsCanceled)
            {
                _created = CreateCoreAsync(cancellationToken);
            }

            return _created;
        }
    }

    private readonly Lock _createGate = new();
    private Task _maintenance = Task.CompletedTask;
    private Task? _created;

    private async Task CreateCoreAsync(CancellationToken cancellationToken)
    {
        await Task.WhenAll(
            _history.CreateIfNotExistsAsync(cancellationToken),
            _instances.CreateIfNotExistsAsync(cancellationToken),
            _poison.CreateIfNotExistsAsync(cancellationToken),
            _workItems.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            _leaseContainer.CreateIfNotExistsAsync(cancellationToken: cancellationToken),
            _payloads.Container.CreateIfNotExistsAsync(cancellationToken: cancellationToken));
        await Task.WhenAll(_control.Select(q => q.CreateIfNotExistsAsync(cancellationToken: cancellationToken)));
        await EnsureTaskHubInfoAsync(cancellationToken);
        await _partitions.CreateLeaseBlobsAsync(cancellationToken);
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _stopping = new CancellationTokenSource();
        _maintenance = MaintenanceLoopAsync(_stopping.Token);
        await _partitions.StartAsync(cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stop runs once even when the worker's stop and the container's dispose race.
        var stopping = Interlocked.Exchange(ref _stopping, null);
        if (stopping is null)
        {
            return;
        }

        await _partitions.StopAsync(cancellationToken);
        await stopping.CancelAsync();
        await Task.WhenAll(_fetchLoops.Values);
        if (_maintenance is not null)
        {
            await _maintenance;
        }

        await ReturnBufferedActivitiesAsync();
        await DrainBackgroundAsync();
        stopping.Dispose();
    }

    public async ValueTask DisposeAsync() => await StopAsync(CancellationToken.None);

    /// <summary>Test hook: a stalled worker that stops renewing its leases but still believes it owns them.</summary>
    internal Task PauseLeaseManagementAsync() => _partitions.PauseAsync();

    /// <summary>Test hook: behave like a killed process (stop renewing leases, keep nothing, release nothing).</summary>
    internal async Task SimulateCrashAsync()
    {
        await _partitions.AbandonAsync();
        if (_stopping is not null)
        {
            await _stopping.CancelAsync();
        }
    }

    public async Task CreateInstanceAsync(OrchestrationState state, TaskMessage startMessage, CancellationToken cancellationToken)
    {
        await CreateIfNotExistsAsync(cancellationToken);
        var key = StorageNames.EscapeKey(state.InstanceId);
        var entity = await _instanceEntities.ToEntityAsync(state, includeInput: true, cancellationToken);
        try
        {
            // The common case (a new id) costs one request; an existing row is read and replaced only if terminal.
            await _instances.AddEntityAsync(entity, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await _instances.GetEntityAsync<TableEntity>(key, string.Empty, cancellationToken: cancellationToken);
            var status = Enum.Parse<OrchestrationRuntimeStatus>(existing.Value.GetString("RuntimeStatus") ?? nameof(OrchestrationRuntimeStatus.Pending));
            if (status == OrchestrationRuntimeStatus.Pending && existing.Value.GetString("ExecutionId") is { Length: > 0 } pendingExecution)
            {
                // A process killed between writing this row and sending its start message leaves an instance that
                // never starts. Send the start again under the row's execution id: if the first message is still
                // queued or already ran, the processor drops this one as a duplicate start of that execution.
                await SendOrchestratorMessageAsync(
                    startMessage with { ExecutionId = pendingExecution, Event = startMessage.Event with { ExecutionId = pendingExecution } }, 0, cancellationToken);
            }

            if (!status.IsTerminal())
            {
                throw new OrchestrationAlreadyExistsException(state.InstanceId, status);
            }

            try
            {
                await _instances.UpdateEntityAsync(entity, existing.Value.ETag, TableUpdateMode.Replace, cancellationToken);
            }
            catch (RequestFailedException conflict) when (conflict.Status == 412)
            {
                throw new OrchestrationAlreadyExistsException(state.InstanceId, OrchestrationRuntimeStatus.Pending);
            }
        }

        await SendOrchestratorMessageAsync(startMessage, 0, cancellationToken);
    }

    public async Task SendMessageAsync(TaskMessage message, CancellationToken cancellationToken)
    {
        await CreateIfNotExistsAsync(cancellationToken);
        await SendOrchestratorMessageAsync(message, 0, cancellationToken);
    }

    public async Task<OrchestrationState?> GetStateAsync(string instanceId, bool fetchPayloads, CancellationToken cancellationToken)
    {
        var row = await _instances.GetEntityIfExistsAsync<TableEntity>(StorageNames.EscapeKey(instanceId), string.Empty, cancellationToken: cancellationToken);
        return row.HasValue ? await _instanceEntities.FromEntityAsync(row.Value!, fetchPayloads, cancellationToken) : null;
    }

    public async Task<IReadOnlyList<HistoryEvent>> GetHistoryAsync(string instanceId, CancellationToken cancellationToken) =>
        (await LoadHistoryAsync(instanceId, cancellationToken)).Events;

    public async Task<(IReadOnlyList<OrchestrationState> States, string? ContinuationToken)> QueryAsync(OrchestrationQuery query, CancellationToken cancellationToken)
    {
        var filters = new List<string>();
        if (query.Statuses is { Count: > 0 } statuses)
        {
            filters.Add("(" + string.Join(" or ", statuses.Select(s => $"RuntimeStatus eq {StorageNames.Quote(s.ToString())}")) + ")");
        }

        if (query.CreatedFrom is { } from)
        {
            filters.Add($"CreatedTime ge datetime'{from.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}'");
        }

        if (query.CreatedTo is { } to)
        {
            filters.Add($"CreatedTime le datetime'{to.UtcDateTime.ToString("o", CultureInfo.InvariantCulture)}'");
        }

        if (query.InstanceIdPrefix is { Length: > 0 } prefix)
        {
            var escaped = StorageNames.EscapeKey(prefix);
            var upper = escaped[..^1] + (char)(escaped[^1] + 1);
            filters.Add($"PartitionKey ge {StorageNames.Quote(escaped)} and PartitionKey lt {StorageNames.Quote(upper)}");
        }

        var filter = filters.Count == 0 ? null : string.Join(" and ", filters);
        var select = new[]
        {
            "PartitionKey", "RowKey", "Name", "Version", "ExecutionId", "RuntimeStatus", "CustomStatus", "CustomStatusBlobName", "CreatedTime",
            "LastUpdatedTime", "CompletedTime", "ScheduledStartTime", "Generation", "FailureDetails", "ParentInstance", "Tags",
        };
        await foreach (var page in _instances.QueryAsync<TableEntity>(filter, query.PageSize, select, cancellationToken).AsPages(query.ContinuationToken, query.PageSize))
        {
            var states = new List<OrchestrationState>();
            foreach (var entity in page.Values)
            {
                states.Add(await _instanceEntities.FromEntityAsync(entity, fetchPayloads: false, cancellationToken));
            }

            return (states, page.ContinuationToken);
        }

        return ([], null);
    }

    public async Task<int> PurgeAsync(string instanceId, CancellationToken cancellationToken)
    {
        var key = StorageNames.EscapeKey(instanceId);
        var row = await _instances.GetEntityIfExistsAsync<TableEntity>(key, string.Empty, cancellationToken: cancellationToken);
        if (!row.HasValue)
        {
            return 0;
        }

        ForgetSession(instanceId);
        var rows = new List<TableEntity>();
        await foreach (var entity in _history.QueryAsync<TableEntity>($"PartitionKey eq {StorageNames.Quote(key)}", select: ["PartitionKey", "RowKey"], cancellationToken: cancellationToken))
        {
            rows.Add(entity);
        }

        foreach (var chunk in rows.Chunk(100))
        {
            await _history.SubmitTransactionAsync(chunk.Select(e => new TableTransactionAction(TableTransactionActionType.Delete, e, ETag.All)), cancellationToken);
        }

        await _payloads.DeleteInstanceAsync(instanceId, cancellationToken);
        try
        {
            await _instances.DeleteEntityAsync(key, string.Empty, row.Value!.ETag, cancellationToken);
        }
        catch (RequestFailedException ex) when (ex.Status is 404 or 412)
        {
            return 0;
        }

        return 1;
    }

    private async Task EnsureTaskHubInfoAsync(CancellationToken cancellationToken)
    {
        var blob = _leaseContainer.GetBlobClient("taskhub.json");
        var info = new TaskHubInfo(_options.HubName, _time.GetUtcNow().UtcDateTime, _options.PartitionCount);
        try
        {
            await blob.UploadAsync(BinaryData.FromString(JsonSerializer.Serialize(info)), new BlobUploadOptions { Conditions = new BlobRequestConditions { IfNoneMatch = ETag.All } }, cancellationToken);
            return;
        }
        catch (RequestFailedException ex) when (ex.Status is 409 or 412)
        {
            // The hub exists: check its partition count below.
        }

        var stored = JsonSerializer.Deserialize<TaskHubInfo>((await blob.DownloadContentAsync(cancellationToken)).Value.Content.ToString());
        if (stored is not null && stored.PartitionCount != _options.PartitionCount)
        {
            throw new InvalidOperationException(
                $"Task hub '{_options.HubName}' was created with {stored.PartitionCount} partitions but storageProvider.partitionCount is {_options.PartitionCount}; use a new hub name to change it.");
        }
    }

    private sealed record TaskHubInfo(string TaskHubName, DateTime CreatedAt, int PartitionCount);
}
