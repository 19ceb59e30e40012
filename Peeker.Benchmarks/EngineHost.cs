using System.Diagnostics;
using DurableTask.AzureStorage;
using DurableTask.Core;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Peeker.Durable.Client;
using Peeker.Durable.Hosting;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// One engine on its own fresh Azurite, composed as <see cref="TaskHubWorkerService"/> composes it (our settings mapping,
/// the SDK shims, our activity wrapper, failure-details propagation), but with a counting storage client provider. A
/// second, uncounted service on the same hub watches for completion so the watcher's polling is not counted.
/// </summary>
public sealed class EngineHost : IAsyncDisposable
{
    private static readonly OrchestrationStatus[] RunningStatuses =
    [
        OrchestrationStatus.Pending,
        OrchestrationStatus.Running,
        OrchestrationStatus.Suspended,
    ];
    private readonly AzuriteProcess _azurite;
    private readonly ILoggerFactory _loggers;
    private readonly AzureStorageOrchestrationService _service;
    private readonly AzureStorageOrchestrationService _watcher;
    private readonly TaskHubWorker _worker;
    private readonly TaskHubClient _client;

    private EngineHost(AzuriteProcess azurite, DurableTaskOptions options, int activityDispatchers, Action<DurableTaskRegistry> register)
    {
        _azurite = azurite;
        _loggers = LoggerFactory.Create(l => l.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning));
        var settings = DurableTaskHub.CreateSettings(options, azurite.ConnectionString, _loggers);
        settings.StorageAccountClientProvider = Requests.CreateProvider(azurite.ConnectionString);
        _service = new AzureStorageOrchestrationService(settings);
        _watcher = new AzureStorageOrchestrationService(DurableTaskHub.CreateSettings(options, azurite.ConnectionString, _loggers));
        _client = new TaskHubClient(_service, DurableDataConverter.Default, _loggers);
        _worker = CreateWorker(options, activityDispatchers, register);
    }

    /// <summary>Storage requests sent by the worker and the client (not the watcher).</summary>
    public StorageRequestCounter Requests { get; } = new();

    /// <summary>Starts Azurite, creates the hub and starts the worker.</summary>
    public static async Task<EngineHost> StartAsync(SettingsProfile profile, Action<DurableTaskRegistry> register)
    {
        ArgumentNullException.ThrowIfNull(profile);
        var options = profile.Bind();
        var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot());
        var host = new EngineHost(azurite, options, profile.ActivityDispatchers, register);
        await host._service.CreateIfNotExistsAsync();
        await host._worker.StartAsync();
        return host;
    }

    /// <summary>Starts an instance the way our client does (rejecting a duplicate of a running id).</summary>
    public async Task<string> ScheduleAsync(string name, object input)
    {
        var instance = await _client.CreateOrchestrationInstanceAsync(
            name,
            string.Empty,
            Guid.NewGuid().ToString("N"),
            input,
            null,
            RunningStatuses
        );
        return instance.InstanceId;
    }

    /// <summary>Polls the uncounted watcher until the instance completes; any other end is an error.</summary>
    public async Task<OrchestrationState> WaitAsync(string instanceId, TimeSpan? timeout = null)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < (timeout ?? TimeSpan.FromMinutes(10)))
        {
            var states = await _watcher.GetOrchestrationStateAsync(instanceId, allExecutions: false, fetchInput: false);
            var state = states.FirstOrDefault();
            switch (state?.OrchestrationStatus)
            {
                case OrchestrationStatus.Completed:
                    return state;
                case OrchestrationStatus.Failed or OrchestrationStatus.Terminated or OrchestrationStatus.Canceled:
                    throw new InvalidOperationException($"{instanceId} ended {state.OrchestrationStatus}: {state.Output}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException($"{instanceId} did not complete in time");
    }

    /// <summary>The instance's history, read through the watcher.</summary>
    public async Task<IList<HistoryEvent>> HistoryAsync(string instanceId) =>
        HistoryJson.Deserialize(await _watcher.GetOrchestrationHistoryAsync(instanceId, null));

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        // Forced: the measurement is over, and a graceful stop would wait for idle extended sessions.
        await _worker.StopAsync(isForced: true).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        _worker.Dispose();
        _service.Dispose();
        _watcher.Dispose();
        _loggers.Dispose();
        await _azurite.DisposeAsync();
    }

    private TaskHubWorker CreateWorker(DurableTaskOptions options, int activityDispatchers, Action<DurableTaskRegistry> register)
    {
        var registry = new DurableTaskRegistry();
        register(registry);
        var services = new ServiceCollection().BuildServiceProvider();
        IOrchestrationService service = activityDispatchers > 1 ? new ActivityDispatchers(_service, activityDispatchers) : _service;
        return TaskHubWorkerService.CreateWorker(service, registry, services, options.MaximumTimerInterval, _loggers);
    }
}
