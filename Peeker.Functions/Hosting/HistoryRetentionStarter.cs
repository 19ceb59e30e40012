using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Peeker.Activities.Retention;
using Peeker.Functions.Orchestrations;

namespace Peeker.Functions.Hosting;

/// <summary>
/// Starts the <see cref="HistoryRetentionOrchestrator"/> job at host start when <c>Peeker:HistoryRetention:Enabled</c>
/// (the default), once per task hub: a running, pending or suspended job is left alone (an operator's suspension
/// stands); a finished one (terminated by hand) is started again. Storage that is down is retried with backoff.
/// </summary>
public sealed partial class HistoryRetentionStarter(
    DurableTaskClient client,
    IOptions<HistoryRetentionOptions> options,
    TimeProvider time,
    ILogger<HistoryRetentionStarter> logger
) : BackgroundService
{
    /// <summary>Starts the job unless it is already there; true when this call started it.</summary>
    public static async Task<bool> EnsureStartedAsync(DurableTaskClient client, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(HistoryRetentionOrchestrator),
                new HistoryRetentionInput(0, null),
                new StartOrchestrationOptions(HistoryRetentionOrchestrator.InstanceId),
                cancellationToken
            );
            return true;
        }
        catch (OrchestrationAlreadyExistsException)
        {
            return false;
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (!options.Value.Enabled)
        {
            return;
        }

        var delay = TimeSpan.FromSeconds(1);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var started = await EnsureStartedAsync(client, stoppingToken);
                LogReady(HistoryRetentionOrchestrator.InstanceId, started, options.Value.Retention);
                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                LogStartFailed(HistoryRetentionOrchestrator.InstanceId, delay, ex.GetBaseException().Message);
                await Task.Delay(delay, time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromSeconds(30).Ticks));
            }
        }
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "History retention job {InstanceId} ready (started now: {Started}); finished instances are kept {Retention}"
    )]
    private partial void LogReady(string instanceId, bool started, TimeSpan retention);

    [LoggerMessage(
        Level = LogLevel.Warning,
        Message = "History retention job {InstanceId} could not be started, trying again in {Delay}: {Error}"
    )]
    private partial void LogStartFailed(string instanceId, TimeSpan delay, string error);
}
