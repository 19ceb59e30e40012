using Peeker.Durable;

namespace Peeker.Activities.Forwarding;

public sealed record LoadForwardingJobResult(string ForwardingUrl, IReadOnlyList<ForwardingJobDomain> Domains);

/// <summary>Reads the job's target and domains (they land in history, so replays see the same job).</summary>
/// <remarks>Read-only; idempotent.</remarks>
public sealed class LoadForwardingJob(ForwardingJobStore jobs) : TaskActivity<ForwardingJobRef, LoadForwardingJobResult>
{
    public override async Task<LoadForwardingJobResult> RunAsync(TaskActivityContext context, ForwardingJobRef input)
    {
        var job = await jobs.GetAsync(input.Environment, input.PartnerId, input.JobId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Forwarding job {input.JobId} does not exist.");
        return new LoadForwardingJobResult(job.ForwardingUrl, job.Domains);
    }
}
