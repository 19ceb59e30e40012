using Microsoft.DurableTask;
using Peeker.Activities.Retention;
using Peeker.Durable.Retries;

namespace Peeker.Functions.Orchestrations;

/// <summary>The purge job's state carried from one run to the next: runs so far and the last interval it was told.</summary>
public sealed record HistoryRetentionInput(int Runs, TimeSpan? Interval);

/// <summary>
/// The history-retention job, an eternal orchestration with the fixed id <see cref="InstanceId"/>: runs
/// <see cref="PurgeHistory"/>, records the outcome as its custom status, waits the configured interval on a durable
/// timer and continues as new (so its own history stays one run long).
/// </summary>
/// <remarks>
/// Side effects: none itself (deterministic); the activity purges. A failed purge (after its retries) is recorded and
/// the job waits and tries again: it never ends, so it is never Completed, Failed or Terminated and never purges
/// itself. Idempotency: one instance per task hub; the host starts it at start-up only if it is not already running.
/// Compensation: none.
/// </remarks>
public sealed class HistoryRetentionOrchestrator : TaskOrchestrator<HistoryRetentionInput, object?>
{
    /// <summary>The job's instance id.</summary>
    public const string InstanceId = "peeker-history-retention";

    /// <summary>Wait after a failed run when no interval is known yet.</summary>
    public static readonly TimeSpan DefaultInterval = TimeSpan.FromDays(1);

    private static readonly TaskOptions Retry = DurableRetry.Options(3, TimeSpan.FromMinutes(1), 2.0);

    /// <inheritdoc />
    public override async Task<object?> RunAsync(TaskOrchestrationContext context, HistoryRetentionInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        input ??= new HistoryRetentionInput(0, null);
        var runs = input.Runs + 1;
        var interval = input.Interval ?? DefaultInterval;
        try
        {
            var result = await context.PurgeHistoryAsync(new PurgeHistoryInput(context.InstanceId), Retry);
            interval = result.NextRunIn;
            context.SetCustomStatus(
                new
                {
                    runs,
                    last_run = context.CurrentUtcDateTime,
                    purged = result.Purged,
                    created_before = result.CreatedBefore,
                }
            );
        }
        catch (TaskFailedException ex)
        {
            context.SetCustomStatus(
                new
                {
                    runs,
                    last_run = context.CurrentUtcDateTime,
                    error = ex.FailureDetails.ErrorMessage,
                }
            );
        }

        await context.CreateTimer(context.CurrentUtcDateTime + interval, CancellationToken.None);
        context.ContinueAsNew(new HistoryRetentionInput(runs, interval), preserveUnprocessedEvents: false);
        return null;
    }
}
