using DurableTask.Core;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using CoreTaskActivity = DurableTask.Core.TaskActivity;

namespace Peeker.Durable.Hosting;

/// <summary>
/// Runs a DTFx <see cref="TaskHubWorker"/> over the hub's Azure Storage service, with every orchestrator and activity
/// of the <see cref="DurableTaskRegistry"/> bridged through the SDK's <see cref="DurableTaskShimFactory"/>. Storage that
/// is down at start is retried with backoff (logged, and visible on <c>/health</c>) instead of failing the host.
/// With <see cref="DurableWorkerSwitch.Enabled"/> off it only creates the hub and leaves the running to other hosts.
/// </summary>
public sealed partial class TaskHubWorkerService(
    DurableTaskHub hub,
    DurableWorkerSwitch workerSwitch,
    DurableTaskRegistry registry,
    IServiceProvider services,
    ILoggerFactory loggerFactory,
    TimeProvider time
) : BackgroundService
{
    private readonly ILogger _logger = loggerFactory.CreateLogger<TaskHubWorkerService>();
    private TaskHubWorker? _worker;

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await hub.EnsureCreatedAsync(stoppingToken);
                if (!workerSwitch.Enabled)
                {
                    hub.State = TaskHubState.ClientOnly;
                    hub.LastError = null;
                    LogClientOnly(hub.Options.HubName);
                    return;
                }

                _worker = CreateWorker();
                await _worker.StartAsync();
                hub.State = TaskHubState.Running;
                hub.LastError = null;
                LogStarted(hub.Options.HubName, hub.Options.StorageProvider.PartitionCount);
                return;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex) when (ex is not OutOfMemoryException)
            {
                hub.State = TaskHubState.StorageUnavailable;
                hub.LastError = ex.GetBaseException().Message;
                LogStorageUnavailable(hub.Options.HubName, delay, hub.LastError);
                _worker = null;
                await Task.Delay(delay, time, stoppingToken).ContinueWith(_ => { }, TaskScheduler.Default);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_worker is { } worker)
        {
            // isForced: false lets in-flight episodes and activities finish and checkpoint before the leases go.
            await worker.StopAsync(isForced: false).WaitAsync(cancellationToken).ContinueWith(_ => { }, TaskScheduler.Default);
            hub.State = TaskHubState.Stopped;
        }
    }

    private TaskHubWorker CreateWorker() => CreateWorker(hub.Service, registry, services, hub.Options.MaximumTimerInterval, loggerFactory);

    /// <summary>
    /// A DTFx worker over <paramref name="service"/> running every task of <paramref name="registry"/> through the SDK's
    /// shims (one instance per work item), with failure-details propagation and our non-retriable classification.
    /// The benchmarks build theirs here too, over a request-counting service.
    /// </summary>
    internal static TaskHubWorker CreateWorker(
        IOrchestrationService service,
        DurableTaskRegistry registry,
        IServiceProvider services,
        TimeSpan maximumTimerInterval,
        ILoggerFactory loggerFactory
    )
    {
        var workerOptions = new DurableTaskWorkerOptions
        {
            DataConverter = DurableDataConverter.Sdk,
            MaximumTimerInterval = maximumTimerInterval,
        };
        var shims = new DurableTaskShimFactory(workerOptions, loggerFactory);
        var worker = new TaskHubWorker(service, loggerFactory)
        {
            // The SDK's shims and its TaskFailedException read FailureDetails, as Durable Functions isolated does.
            ErrorPropagationMode = ErrorPropagationMode.UseFailureDetails,
        };
        worker.AddTaskOrchestrations([
            .. registry
                .GetOrchestrators()
                .Select(o =>
                    (ObjectCreator<TaskOrchestration>)
                        new Creator<TaskOrchestration>(o.Key.Name, () => shims.CreateOrchestration(o.Key, o.Value(services)))
                ),
        ]);
        worker.AddTaskActivities([
            .. registry
                .GetActivities()
                .Select(a =>
                    (ObjectCreator<CoreTaskActivity>)
                        new Creator<CoreTaskActivity>(
                            a.Key.Name,
                            () => shims.CreateActivity(a.Key, new ClassifyingActivity(a.Value(services)))
                        )
                ),
        ]);
        return worker;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Task hub {Hub} started on Azure Storage ({Partitions} partitions).")]
    private partial void LogStarted(string hub, int partitions);

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "Task hub {Hub} reached; this host runs no worker: it starts orchestrations and sends events, other hosts run them."
    )]
    private partial void LogClientOnly(string hub);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Task hub {Hub}: storage is unavailable, trying again in {Delay}: {Error}")]
    private partial void LogStorageUnavailable(string hub, TimeSpan delay, string error);

    private sealed class Creator<T> : ObjectCreator<T>
    {
        private readonly Func<T> _create;

        public Creator(string name, Func<T> create)
        {
            Name = name;
            Version = string.Empty;
            _create = create;
        }

        public override T Create() => _create();
    }
}
