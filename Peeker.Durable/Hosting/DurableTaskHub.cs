using DurableTask.AzureStorage;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Peeker.Durable.Hosting;

/// <summary>What the host knows about its task hub's storage.</summary>
public enum TaskHubState
{
    /// <summary>Not reached yet.</summary>
    Starting,

    /// <summary>Queues, tables and leases exist; the worker runs.</summary>
    Running,

    /// <summary>Storage did not answer; the host keeps retrying.</summary>
    StorageUnavailable,

    /// <summary>
    /// Queues, tables and leases exist; this host runs no worker (its roles leave the worker out): it starts
    /// orchestrations and sends events, other hosts run them.
    /// </summary>
    ClientOnly,

    /// <summary>The worker stopped.</summary>
    Stopped,
}

/// <summary>
/// The task hub on Azure Storage: the worker's <see cref="AzureStorageOrchestrationService"/> (also used for status,
/// queries, purge and history) and a second one for the client's starts and events, both built from host.json
/// <c>extensions.durableTask</c> and <c>AzureWebJobsStorage</c>.
/// </summary>
public sealed class DurableTaskHub : IDisposable
{
    private readonly SemaphoreSlim _createLock = new(1, 1);
    private volatile bool _created;

    /// <summary>Builds the service; nothing is sent to storage until <see cref="EnsureCreatedAsync"/>.</summary>
    public DurableTaskHub(IOptions<DurableTaskOptions> options, DurableTaskConnection connection, ILoggerFactory loggerFactory)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(connection);
        Options = options.Value;
        var settings = CreateSettings(Options, connection.ConnectionString, loggerFactory);
        WorkerId = settings.WorkerId;
        Service = new AzureStorageOrchestrationService(settings);

        // DTFx caps each service's storage requests in flight (MaxStorageOperationConcurrency, 25 per core): with one
        // service, a worker busy with provisioning held a partner's POST /orders (two starts) behind its own backlog.
        // A service that is never started owns no partition; it only sends the start messages and writes the instance rows.
        var client = CreateSettings(Options, connection.ConnectionString, loggerFactory);
        client.WorkerId = settings.WorkerId;
        ClientService = new AzureStorageOrchestrationService(client);
    }

    /// <summary>This host's name as a partition owner (the <c>CurrentOwner</c> of the leases it holds).</summary>
    public string WorkerId { get; }

    /// <summary>The settings in force.</summary>
    public DurableTaskOptions Options { get; }

    /// <summary>DTFx's Azure Storage provider: orchestration service and client (queries, purge, rewind).</summary>
    public AzureStorageOrchestrationService Service { get; }

    /// <summary>The service the client's starts, events, terminations, suspends and resumes go through (never started).</summary>
    public AzureStorageOrchestrationService ClientService { get; }

    /// <summary>Where the hub stands, for <c>/health</c>.</summary>
    public TaskHubState State { get; internal set; } = TaskHubState.Starting;

    /// <summary>The last storage error seen while starting (no secrets: the message of the SDK's exception).</summary>
    public string? LastError { get; internal set; }

    /// <summary>Creates the hub's queues, tables and containers once per process (idempotent at storage too).</summary>
    public async Task EnsureCreatedAsync(CancellationToken cancellationToken)
    {
        if (_created)
        {
            return;
        }

        await _createLock.WaitAsync(cancellationToken);
        try
        {
            if (!_created)
            {
                await Service.CreateIfNotExistsAsync().WaitAsync(cancellationToken);
                _created = true;
            }
        }
        finally
        {
            _createLock.Release();
        }
    }

    /// <summary>Maps our options to DTFx's settings (Durable Functions' names to DTFx's).</summary>
    public static AzureStorageOrchestrationServiceSettings CreateSettings(
        DurableTaskOptions options,
        string connectionString,
        ILoggerFactory loggerFactory
    )
    {
        ArgumentNullException.ThrowIfNull(options);
        var storage = options.StorageProvider;
        return new AzureStorageOrchestrationServiceSettings
        {
            StorageAccountClientProvider = new StorageAccountClientProvider(connectionString),
            TaskHubName = options.HubName,
            WorkerId = string.IsNullOrWhiteSpace(storage.WorkerId)
                ? $"{Environment.MachineName}-{Environment.ProcessId.ToString(System.Globalization.CultureInfo.InvariantCulture)}-{Guid.NewGuid().ToString("N")[..6]}"
                : storage.WorkerId,
            PartitionCount = storage.PartitionCount,
            ControlQueueBatchSize = storage.ControlQueueBatchSize,
            ControlQueueBufferThreshold = storage.ControlQueueBufferThreshold,
            ControlQueueVisibilityTimeout = storage.ControlQueueVisibilityTimeout,
            WorkItemQueueVisibilityTimeout = storage.WorkItemQueueVisibilityTimeout,
            MaxQueuePollingInterval = storage.MaxQueuePollingInterval,
            LeaseInterval = storage.LeaseInterval,
            LeaseRenewInterval = storage.LeaseRenewInterval,
            LeaseAcquireInterval = storage.LeaseAcquireInterval,
            UseTablePartitionManagement = storage.UseTablePartitionManagement,
            PartitionTableOperationTimeout = storage.PartitionTableOperationTimeout,
            MaxConcurrentTaskActivityWorkItems = options.MaxConcurrentActivityFunctions,
            MaxConcurrentTaskOrchestrationWorkItems = options.MaxConcurrentOrchestratorFunctions,
            ExtendedSessionsEnabled = options.ExtendedSessionsEnabled,
            ExtendedSessionIdleTimeout = TimeSpan.FromSeconds(options.ExtendedSessionIdleTimeoutInSeconds),
            LoggerFactory = loggerFactory,

            // A start of an id in a dedupe status fails loudly (Durable Functions' behaviour) instead of being ignored.
            ThrowExceptionOnInvalidDedupeStatus = true,
        };
    }

    /// <inheritdoc />
    public void Dispose()
    {
        Service.Dispose();
        ClientService.Dispose();
        _createLock.Dispose();
    }
}

/// <summary>The storage connection string of the hub (<c>AzureWebJobsStorage</c>); never logged.</summary>
/// <param name="ConnectionString">An Azure Storage connection string (Azurite's in development).</param>
public sealed record DurableTaskConnection(string ConnectionString);
