using Microsoft.DurableTask;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Forwarding;

public sealed record RecordForwardingResultInput(ForwardingJobRef Job, ForwardingJobDomain Domain, string Url, string? Reason);

public sealed record RecordForwardingResultResult(string Domain, string EventId);

/// <summary>
/// Adds one domain's outcome to the job (<c>completed</c> or <c>failed</c> with its reason) and publishes
/// <c>domain.forwarding_updated</c> or <c>domain.forwarding_failed</c>.
/// </summary>
/// <remarks>Idempotent: a domain already in the job's lists is not added twice, and the event id derives from the job, the domain and the outcome.</remarks>
public sealed class RecordForwardingResult(ForwardingJobStore jobs, IWebhookPublisher webhooks)
    : TaskActivity<RecordForwardingResultInput, RecordForwardingResultResult>
{
    public override async Task<RecordForwardingResultResult> RunAsync(TaskActivityContext context, RecordForwardingResultInput input)
    {
        var ct = CancellationToken.None;
        var name = input.Domain.Domain;
        await jobs.UpdateAsync(
            input.Job.Environment,
            input.Job.PartnerId,
            input.Job.JobId,
            job =>
            {
                if (job.Completed.Contains(name) || job.Failed.Any(f => f.Domain == name))
                {
                    return job;
                }

                return input.Reason is null
                    ? job with
                    {
                        Completed = [.. job.Completed, name],
                    }
                    : job with
                    {
                        Failed = [.. job.Failed, new ForwardingFailure(name, input.Reason)],
                    };
            },
            ct
        );
        var type = input.Reason is null ? "domain.forwarding_updated" : "domain.forwarding_failed";
        var data = new ForwardingEventData(
            input.Domain.Id,
            name,
            input.Url,
            input.Job.JobId,
            input.Reason is null ? "updated" : "failed",
            input.Reason
        );
        // The business identity of the event: one outcome event per domain of the job.
        var key = $"{input.Job.JobId}:{name}:{type}";
        var eventId = await webhooks.PublishAsync(input.Job.Environment, input.Job.PartnerId, type, data, null, key, ct);
        return new RecordForwardingResultResult(name, eventId);
    }
}

/// <summary>Typed call of <see cref="RecordForwardingResult"/> from an orchestration.</summary>
public static class RecordForwardingResultExtensions
{
    /// <summary>Schedules <see cref="RecordForwardingResult"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<RecordForwardingResultResult> RecordForwardingResultAsync(
        this TaskOrchestrationContext context,
        RecordForwardingResultInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<RecordForwardingResultResult>(nameof(RecordForwardingResult), input, options);
}

/// <summary>The payload of <c>domain.forwarding_updated</c> / <c>domain.forwarding_failed</c>.</summary>
public sealed record ForwardingEventData(
    string Id,
    string Domain,
    string ForwardingUrl,
    string JobId,
    string Status,
    [property: System.Text.Json.Serialization.JsonIgnore(Condition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull)]
        string? Reason
);
