using Peeker.Activities.Webhooks;
using Microsoft.DurableTask;
using Peeker.Durable.Retries;

namespace Peeker.Functions.Orchestrations;

/// <summary>How a delivery ended.</summary>
public enum DeliverWebhookOutcome
{
    /// <summary>An attempt got a 2xx.</summary>
    Delivered,

    /// <summary>All five attempts failed.</summary>
    Failed,

    /// <summary>The endpoint answered 410 Gone and was disabled.</summary>
    EndpointGone,

    /// <summary>No endpoint was configured within 24 h of the event.</summary>
    NoEndpoint,

    /// <summary>The event is no longer stored.</summary>
    EventNotFound,
}

/// <summary>The delivery's result: outcome and the number of attempts made in this run.</summary>
public sealed record DeliverWebhookResult(DeliverWebhookOutcome Outcome, int Attempts);

/// <summary>
/// Delivers one event (instance id = event id): up to five <see cref="PostWebhook"/> attempts at t = 0, +5 min,
/// +30 min, +3 h and +24 h after the first attempt, each wait a durable timer. A longer <c>Retry-After</c> replaces the
/// gap before the next attempt; an attempt pushed to +24 h or beyond happens at +24 h and is the last. 2xx ends it; 410 ends it (the endpoint is disabled); with no endpoint it waits
/// up to 24 h for <see cref="WebhookTaskNames.DeliverNowEvent"/> and then starts the schedule. The same event cuts a
/// retry wait short (redeliver while retrying).
/// </summary>
/// <remarks>
/// Side effects: none itself (deterministic); the activity POSTs, records attempts and updates the event. The input
/// names the event only: the body and secret never enter the history. Idempotency: one instance per event id.
/// Compensation: none.
/// </remarks>
public sealed class DeliverWebhookOrchestrator : TaskOrchestrator<DeliverWebhookInput, DeliverWebhookResult>
{
    /// <summary>Offsets of attempts 1..5 from the first attempt (peeker-api.md 7.5, our choice).</summary>
    public static readonly IReadOnlyList<TimeSpan> Schedule =
    [
        TimeSpan.Zero, TimeSpan.FromMinutes(5), TimeSpan.FromMinutes(30), TimeSpan.FromHours(3), TimeSpan.FromHours(24),
    ];

    /// <summary>How long an event waits for an endpoint to be configured.</summary>
    public static readonly TimeSpan EndpointWindow = TimeSpan.FromHours(24);

    /// <summary>Storage faults inside the activity (not HTTP failures, which are outcomes) are retried briefly.</summary>
    private static readonly TaskOptions ActivityRetry = DurableRetry.Options(3, TimeSpan.FromSeconds(10), 2.0);

    /// <inheritdoc />
    public override async Task<DeliverWebhookResult> RunAsync(TaskOrchestrationContext context, DeliverWebhookInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var windowEnds = context.CurrentUtcDateTime + EndpointWindow;
        var first = context.CurrentUtcDateTime;
        var slot = 1; // position in Schedule
        var made = 0; // attempts made in this run (the attempt rows' numbers)
        TimeSpan? retryAfter = null;
        while (slot <= Schedule.Count)
        {
            if (made > 0)
            {
                // The gap before this slot, or the receiver's Retry-After when longer; never past the last slot, and
                // an attempt pushed to the last slot is the last one (no burst of overdue attempts at +24 h).
                var gap = Schedule[slot - 1] - Schedule[slot - 2];
                var due = context.CurrentUtcDateTime + (retryAfter > gap ? retryAfter.Value : gap);
                var deadline = first + Schedule[^1];
                if (due >= deadline)
                {
                    due = deadline;
                    slot = Schedule.Count;
                }

                context.SetCustomStatus(new { status = WebhookEventStatus.Retrying, next_attempt = made + 1, due });
                await WaitUntilDueOrNudgedAsync(context, due);
            }

            made++;
            var result = await context.PostWebhookAsync(new PostWebhookInput(input.EventId, input.Environment, input.PartnerId, input.Run, made, slot == Schedule.Count),
                ActivityRetry);
            switch (result.Outcome)
            {
                case PostWebhookOutcome.Delivered:
                    return new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, made);
                case PostWebhookOutcome.EndpointGone:
                    return new DeliverWebhookResult(DeliverWebhookOutcome.EndpointGone, made);
                case PostWebhookOutcome.EventNotFound:
                    return new DeliverWebhookResult(DeliverWebhookOutcome.EventNotFound, made - 1);
                case PostWebhookOutcome.NoEndpoint:
                    made--; // nothing was sent
                    var remaining = windowEnds - context.CurrentUtcDateTime;
                    if (remaining <= TimeSpan.Zero || !await WaitForEndpointAsync(context, remaining))
                    {
                        return new DeliverWebhookResult(DeliverWebhookOutcome.NoEndpoint, made);
                    }

                    // The schedule restarts from the moment the endpoint appeared: the partner gets all five attempts.
                    first = context.CurrentUtcDateTime;
                    slot = 1;
                    made = 0;
                    retryAfter = null;
                    continue;
                default:
                    retryAfter = result.RetryAfterSeconds is { } seconds ? TimeSpan.FromSeconds(seconds) : null;
                    slot++;
                    break;
            }
        }

        return new DeliverWebhookResult(DeliverWebhookOutcome.Failed, made);
    }

    /// <summary>A durable timer that a redeliver request (<see cref="WebhookTaskNames.DeliverNowEvent"/>) cuts short.</summary>
    private static async Task WaitUntilDueOrNudgedAsync(TaskOrchestrationContext context, DateTime due)
    {
        if (due <= context.CurrentUtcDateTime)
        {
            return;
        }

        try
        {
            await context.WaitForExternalEvent<bool>(WebhookTaskNames.DeliverNowEvent, due - context.CurrentUtcDateTime);
        }
        catch (TaskCanceledException)
        {
            // The timer fired: the scheduled attempt is due.
        }
    }

    private static async Task<bool> WaitForEndpointAsync(TaskOrchestrationContext context, TimeSpan remaining)
    {
        context.SetCustomStatus(new { status = WebhookEventStatus.AwaitingEndpoint });
        try
        {
            await context.WaitForExternalEvent<bool>(WebhookTaskNames.DeliverNowEvent, remaining);
            return true;
        }
        catch (TaskCanceledException)
        {
            return false;
        }
    }
}
