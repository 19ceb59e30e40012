using Microsoft.DurableTask;

namespace Peeker.Activities.Forwarding;

public sealed record FinishForwardingJobResult(string Status, int CompletedCount, int FailedCount);

/// <summary>Sets the job's terminal status (<c>completed</c>, <c>partial_success</c> or <c>failed</c>) and <c>completed_at</c>.</summary>
/// <remarks>Idempotent: the status follows from the recorded lists; <c>completed_at</c> is written once.</remarks>
public sealed class FinishForwardingJob(ForwardingJobStore jobs, TimeProvider time)
    : TaskActivity<ForwardingJobRef, FinishForwardingJobResult>
{
    public override async Task<FinishForwardingJobResult> RunAsync(TaskActivityContext context, ForwardingJobRef input)
    {
        var job =
            await jobs.UpdateAsync(
                input.Environment,
                input.PartnerId,
                input.JobId,
                j =>
                    j with
                    {
                        Status = ForwardingJobStatus.Of(j.Completed.Count, j.Failed.Count),
                        CompletedAt = j.CompletedAt ?? time.GetUtcNow(),
                    },
                CancellationToken.None
            ) ?? throw new InvalidOperationException($"Forwarding job {input.JobId} does not exist.");
        return new FinishForwardingJobResult(job.Status, job.CompletedCount, job.FailedCount);
    }
}

/// <summary>Typed call of <see cref="FinishForwardingJob"/> from an orchestration.</summary>
public static class FinishForwardingJobExtensions
{
    /// <summary>Schedules <see cref="FinishForwardingJob"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<FinishForwardingJobResult> FinishForwardingJobAsync(
        this TaskOrchestrationContext context,
        ForwardingJobRef input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<FinishForwardingJobResult>(nameof(FinishForwardingJob), input, options);
}
