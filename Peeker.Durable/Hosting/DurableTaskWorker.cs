using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.Hosting;

/// <summary>
/// Runs orchestration episodes and activities from the backend with the configured concurrency limits
/// (<c>maxConcurrentOrchestratorFunctions</c>, <c>maxConcurrentActivityFunctions</c>). On shutdown it stops taking
/// work, lets running work finish, and stops the backend.
/// </summary>
public sealed partial class DurableTaskWorker : BackgroundService
{
    private readonly IOrchestrationBackend _backend;
    private readonly DurableTaskRegistry _registry;
    private readonly IServiceProvider _services;
    private readonly DurableTaskOptions _options;
    private readonly DataConverter _converter;
    private readonly ILogger _logger;
    private readonly ExecutorCache _cache;
    private readonly OrchestrationProcessor _processor;

    /// <summary>Creates the worker (normally through <c>AddPeekerDurable</c>).</summary>
    public DurableTaskWorker(
        IOrchestrationBackend backend,
        DurableTaskRegistry registry,
        IServiceProvider services,
        IOptions<DurableTaskOptions> options,
        TimeProvider time,
        DataConverter converter,
        ILoggerFactory loggerFactory)
    {
        _backend = backend;
        _registry = registry;
        _services = services;
        _options = options.Value;
        _converter = converter;
        _logger = loggerFactory.CreateLogger<DurableTaskWorker>();
        _cache = new ExecutorCache(time, TimeSpan.FromSeconds(_options.ExtendedSessionIdleTimeoutInSeconds));
        _processor = new OrchestrationProcessor(registry, services, converter, time, loggerFactory, _options.ExtendedSessionsEnabled ? _cache : null);
    }

    /// <summary>Orchestration episodes completed by this worker (diagnostics and benchmarks).</summary>
    public long EpisodesCompleted => Interlocked.Read(ref _episodes);

    private long _episodes;
    private volatile bool _backendStarted;

    /// <inheritdoc />
    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        if (_backendStarted)
        {
            await _backend.StopAsync(cancellationToken);
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        // Storage may come up after the host (Azurite starting, a transient outage): keep trying instead of stopping the host.
        for (var delay = TimeSpan.FromSeconds(1); ; delay = TimeSpan.FromSeconds(Math.Min(delay.TotalSeconds * 2, 30)))
        {
            try
            {
                await _backend.CreateIfNotExistsAsync(stoppingToken);
                await _backend.StartAsync(stoppingToken);
                _backendStarted = true;
                break;
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception ex)
            {
                LogStartFailed(delay.TotalSeconds, ex);
                try
                {
                    await Task.Delay(delay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }

        await Task.WhenAll(
            PollAsync(_options.MaxConcurrentOrchestratorFunctions, _backend.LockNextOrchestrationWorkItemAsync, RunEpisodeAsync, stoppingToken),
            PollAsync(_options.MaxConcurrentActivityFunctions, _backend.LockNextActivityWorkItemAsync, RunActivityAsync, stoppingToken));
    }

    private async Task PollAsync<T>(
        int concurrency,
        Func<TimeSpan, CancellationToken, Task<T?>> lockNext,
        Func<T, CancellationToken, Task> run,
        CancellationToken stoppingToken)
        where T : class
    {
        using var slots = new SemaphoreSlim(concurrency);
        var running = new List<Task>();
        var wait = _options.StorageProvider.MaxQueuePollingInterval;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await slots.WaitAsync(stoppingToken);
                var item = await lockNext(wait, stoppingToken);
                if (item is null)
                {
                    slots.Release();
                    continue;
                }

                running.RemoveAll(t => t.IsCompleted);
                running.Add(Task.Run(async () =>
                {
                    try
                    {
                        await run(item, stoppingToken);
                    }
                    finally
                    {
                        slots.Release();
                    }
                }, CancellationToken.None));
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                break;
            }
            catch (Exception ex)
            {
                slots.Release();
                LogPollFailed(ex);
                await Task.Delay(TimeSpan.FromSeconds(1), CancellationToken.None);
            }
        }

        await Task.WhenAll(running);
    }

    private async Task RunEpisodeAsync(OrchestrationWorkItem workItem, CancellationToken stoppingToken)
    {
        try
        {
            var (checkpoint, executor) = _processor.Process(workItem);
            await _backend.CompleteOrchestrationWorkItemAsync(workItem, checkpoint, CancellationToken.None);
            Interlocked.Increment(ref _episodes);
            if (executor is not null && _options.ExtendedSessionsEnabled)
            {
                _cache.Put(workItem.InstanceId, executor);
            }
            else
            {
                _cache.Remove(workItem.InstanceId);
            }
        }
        catch (Exception ex)
        {
            _cache.Remove(workItem.InstanceId);
            LogEpisodeFailed(workItem.InstanceId, ex);
            await TryAsync(() => _backend.AbandonOrchestrationWorkItemAsync(workItem, CancellationToken.None));
        }
    }

    private async Task RunActivityAsync(ActivityWorkItem workItem, CancellationToken stoppingToken)
    {
        var scheduled = workItem.Message.Event;
        HistoryEvent response;
        try
        {
            await using var scope = _services.CreateAsyncScope();
            var activity = _registry.CreateActivity(scheduled.Name ?? string.Empty, scope.ServiceProvider);
            if (activity is null)
            {
                response = Failed(scheduled, new TaskFailureDetails(typeof(InvalidOperationException).FullName!, $"No activity named '{scheduled.Name}' is registered with this worker.", IsNonRetriable: true));
            }
            else
            {
                var input = _converter.Deserialize(scheduled.Input, activity.InputType);
                var context = new TaskActivityContext(scheduled.Name!, workItem.Message.InstanceId, scheduled.EventId, stoppingToken);
                var result = await activity.RunAsync(context, input);
                response = new HistoryEvent { EventType = EventType.TaskCompleted, TaskScheduledId = scheduled.EventId, Result = _converter.Serialize(result) };
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            await TryAsync(() => _backend.AbandonActivityWorkItemAsync(workItem, CancellationToken.None));
            return;
        }
        catch (Exception ex)
        {
            response = Failed(scheduled, TaskFailureDetails.FromException(ex));
        }

        try
        {
            await _backend.CompleteActivityWorkItemAsync(
                workItem,
                new TaskMessage
                {
                    MessageId = Guid.NewGuid().ToString("N"),
                    InstanceId = workItem.Message.InstanceId,
                    ExecutionId = workItem.Message.ExecutionId,
                    Event = response,
                },
                CancellationToken.None);
        }
        catch (Exception ex)
        {
            LogActivityCompleteFailed(scheduled.Name, workItem.Message.InstanceId, ex);
            await TryAsync(() => _backend.AbandonActivityWorkItemAsync(workItem, CancellationToken.None));
        }
    }

    private static HistoryEvent Failed(HistoryEvent scheduled, TaskFailureDetails details) =>
        new() { EventType = EventType.TaskFailed, TaskScheduledId = scheduled.EventId, FailureDetails = details };

    private async Task TryAsync(Func<Task> action)
    {
        try
        {
            await action();
        }
        catch (Exception ex)
        {
            LogPollFailed(ex);
        }
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "The durable backend could not start (storage unreachable?); retrying in {Seconds} s.")]
    private partial void LogStartFailed(double seconds, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Polling the backend failed; retrying in 1 s.")]
    private partial void LogPollFailed(Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Episode of instance {InstanceId} was not committed; its messages go back to the queue.")]
    private partial void LogEpisodeFailed(string instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Activity {Name} of instance {InstanceId} ran but its result could not be committed; it will run again.")]
    private partial void LogActivityCompleteFailed(string? name, string instanceId, Exception exception);
}
