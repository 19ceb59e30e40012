using Microsoft.DurableTask;

namespace Peeker.Activities.Forwarding;

public sealed record LoadForwardingJobResult(string ForwardingUrl, IReadOnlyList<ForwardingJobDomain> Domains);

/// <summary>Reads the job's target and domains (they land in history, so replays see the same job).</summary>
/// <remarks>Read-only; idempotent.</remarks>
public sealed class LoadForwardingJob(ForwardingJobStore jobs) : TaskActivity<ForwardingJobRef, LoadForwardingJobResult>
{
    public override async Task<LoadForwardingJobResult> RunAsync(TaskActivityContext context, ForwardingJobRef input)
    {
        var job =
            await jobs.GetAsync(input.Environment, input.PartnerId, input.JobId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Forwarding job {input.JobId} does not exist.");
        return new LoadForwardingJobResult(job.ForwardingUrl, job.Domains);
    }
}

/// <summary>Typed call of <see cref="LoadForwardingJob"/> from an orchestration.</summary>
public static class LoadForwardingJobExtensions
{
    /// <summary>Schedules <see cref="LoadForwardingJob"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<LoadForwardingJobResult> LoadForwardingJobAsync(
        this TaskOrchestrationContext context,
        ForwardingJobRef input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<LoadForwardingJobResult>(nameof(LoadForwardingJob), input, options);
}
