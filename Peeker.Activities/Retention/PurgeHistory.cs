using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Peeker.Activities.Retention;

/// <summary>The purge job that asks (its instance id, for the log).</summary>
public sealed record PurgeHistoryInput(string JobInstanceId);

/// <summary>How many instances were purged, the creation cut-off used, and when the job should run next.</summary>
public sealed record PurgeHistoryResult(int Purged, DateTimeOffset CreatedBefore, TimeSpan NextRunIn);

/// <summary>
/// Purges the history and instance rows (and large-message blobs) of every Completed, Failed or Terminated instance
/// created more than <see cref="HistoryRetentionOptions.Retention"/> ago, through the engine's client, and logs the count.
/// </summary>
/// <remarks>
/// Side effects: deletes engine rows and blobs; running, pending and suspended instances (the purge job among them) are
/// never touched. Idempotent: a second run finds nothing more to purge. Compensation: none (that is the point). Settings
/// are read on each run, so a changed retention or interval applies from the next run without restarting the job.
/// </remarks>
public sealed partial class PurgeHistory(
    DurableTaskClient client,
    IOptionsMonitor<HistoryRetentionOptions> options,
    TimeProvider time,
    ILogger<PurgeHistory> logger
) : TaskActivity<PurgeHistoryInput, PurgeHistoryResult>
{
    private static readonly OrchestrationRuntimeStatus[] Finished =
    [
        OrchestrationRuntimeStatus.Completed,
        OrchestrationRuntimeStatus.Failed,
        OrchestrationRuntimeStatus.Terminated,
    ];

    /// <inheritdoc />
    public override async Task<PurgeHistoryResult> RunAsync(TaskActivityContext context, PurgeHistoryInput input)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = options.CurrentValue;
        var createdBefore = time.GetUtcNow() - settings.Retention;
        var result = await client.PurgeAllInstancesAsync(new PurgeInstancesFilter(null, createdBefore, Finished));
        LogPurged(input.JobInstanceId, result.PurgedInstanceCount, createdBefore);
        return new PurgeHistoryResult(result.PurgedInstanceCount, createdBefore, settings.Interval);
    }

    [LoggerMessage(
        Level = LogLevel.Information,
        Message = "History retention ({JobInstanceId}): purged {Purged} finished instances created before {CreatedBefore:O}"
    )]
    private partial void LogPurged(string jobInstanceId, int purged, DateTimeOffset createdBefore);
}

/// <summary>Typed call of <see cref="PurgeHistory"/> from an orchestration.</summary>
public static class PurgeHistoryExtensions
{
    /// <summary>Schedules <see cref="PurgeHistory"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<PurgeHistoryResult> PurgeHistoryAsync(
        this TaskOrchestrationContext context,
        PurgeHistoryInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<PurgeHistoryResult>(nameof(PurgeHistory), input, options);
}
