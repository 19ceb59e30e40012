using Microsoft.DurableTask;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>What a forwarding job ended with.</summary>
public sealed record ForwardingJobOutcome(string JobId, string Status, int CompletedCount, int FailedCount);

/// <summary>
/// Runs a <c>POST /domains/forwarding</c> job (instance id = job id): checks the target once, then per domain (five at
/// a time) points its redirect at the target and records the outcome with <c>domain.forwarding_updated</c> or
/// <c>domain.forwarding_failed</c>; finally sets the job's terminal status.
/// </summary>
/// <remarks>
/// A bad target fails every domain with its reason and changes nothing at Cloudflare. A domain whose Cloudflare call
/// still fails after its retries is recorded as failed with <c>internal_error</c>, and the other domains go on.
/// </remarks>
public sealed class ForwardingJobOrchestrator : TaskOrchestrator<ForwardingJobRef, ForwardingJobOutcome>
{
    /// <summary>Domains changed at once (Cloudflare allows 1,200 requests per 5 minutes per account).</summary>
    public const int Parallelism = 5;

    /// <summary>Reason recorded when the provider kept failing (not one of the spec's reasons, which all blame the input).</summary>
    public const string InternalError = "internal_error";

    public override async Task<ForwardingJobOutcome> RunAsync(TaskOrchestrationContext context, ForwardingJobRef input)
    {
        var job = await context.LoadForwardingJobAsync(input, ProvisioningRetries.Storage);
        var target = await context.CheckForwardingTargetAsync(
            new CheckForwardingTargetInput(input, job.ForwardingUrl, [.. job.Domains.Select(d => d.Domain)]),
            ProvisioningRetries.Provider
        );
        foreach (var batch in job.Domains.Chunk(Parallelism))
        {
            await Task.WhenAll(batch.Select(d => ChangeAsync(context, input, d, job.ForwardingUrl, target.Reason)));
        }

        var done = await context.FinishForwardingJobAsync(input, ProvisioningRetries.Storage);
        return new ForwardingJobOutcome(input.JobId, done.Status, done.CompletedCount, done.FailedCount);
    }

    private static async Task ChangeAsync(
        TaskOrchestrationContext context,
        ForwardingJobRef job,
        ForwardingJobDomain domain,
        string url,
        string? targetProblem
    )
    {
        var reason = targetProblem;
        if (reason is null)
        {
            try
            {
                reason = (
                    await context.ApplyForwardingAsync(new ApplyForwardingInput(job, domain, url), ProvisioningRetries.Provider)
                ).Reason;
            }
            catch (TaskFailedException)
            {
                reason = InternalError;
            }
        }

        await context.RecordForwardingResultAsync(new RecordForwardingResultInput(job, domain, url, reason), ProvisioningRetries.Storage);
    }
}
