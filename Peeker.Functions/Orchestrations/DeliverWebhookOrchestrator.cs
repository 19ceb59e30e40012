using Microsoft.DurableTask;
using Peeker.Activities.Webhooks;
using Peeker.Durable.Retries;

namespace Peeker.Functions.Orchestrations;

/// <summary>How a delivery ended.</summary>
public enum DeliverWebhookOutcome
{
    /// <summary>An attempt got a 2xx.</summary>
    Delivered,

    /// <summary>Every attempt of the schedule failed.</summary>
    Failed,

    /// <summary>The endpoint answered 410 Gone and was disabled.</summary>
    EndpointGone,

    /// <summary>No endpoint was configured within the endpoint window (24 h by default).</summary>
    NoEndpoint,

    /// <summary>The event is no longer stored.</summary>
    EventNotFound,
}

/// <summary>The delivery's result: outcome and the number of attempts made in this run.</summary>
public sealed record DeliverWebhookResult(DeliverWebhookOutcome Outcome, int Attempts);

/// <summary>
/// Delivers one event (instance id = event id): one <see cref="PostWebhook"/> attempt per offset of the input's
/// schedule (the spec's, by default: t = 0, +5 min, +30 min, +3 h and +24 h after the first attempt), each wait a
/// durable timer. A longer <c>Retry-After</c> replaces the gap before the next attempt; an attempt it pushes to the last
/// offset or beyond happens at the last offset and is the last. 2xx ends it; 410 ends it (the endpoint is disabled);
/// with no endpoint it waits up to the input's endpoint window (24 h) for <see cref="WebhookTaskNames.DeliverNowEvent"/>
/// and then starts the schedule. The same event cuts a retry wait short (redeliver while retrying). A slow attempt
/// delays the ones after it but costs none, and no wait ends before its time.
/// </summary>
/// <remarks>
/// Side effects: none itself (deterministic); the activity POSTs, records attempts and updates the event. The input
/// names the event and carries the schedule: the body and secret never enter the history. Idempotency: one instance
/// per event id. Compensation: none.
/// </remarks>
public sealed class DeliverWebhookOrchestrator : TaskOrchestrator<DeliverWebhookInput, DeliverWebhookResult>
{
    /// <summary>
    /// Offsets of attempts 1..5 from the first attempt (peeker-api.md 7.5) for an input without a schedule. Inputs
    /// written before the schedule was carried replay with it: it must not change.
    /// </summary>
    public static readonly IReadOnlyList<TimeSpan> Schedule = WebhookOptions.DefaultRetrySchedule;

    /// <summary>How long an event waits for an endpoint when the input does not say (inputs written before it was carried).</summary>
    public static readonly TimeSpan EndpointWindow = WebhookOptions.DefaultEndpointWindow;

    /// <summary>Azure Storage queues delay a message by whole seconds: a timer can fire up to this much early.</summary>
    private static readonly TimeSpan TimerGranularity = TimeSpan.FromSeconds(1);

    /// <summary>Storage faults inside the activity (not HTTP failures, which are outcomes) are retried briefly.</summary>
    private static readonly TaskOptions ActivityRetry = DurableRetry.Options(3, TimeSpan.FromSeconds(10), 2.0);

    /// <inheritdoc />
    public override async Task<DeliverWebhookResult> RunAsync(TaskOrchestrationContext context, DeliverWebhookInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var schedule = input.Schedule ?? Schedule;
        if (!WebhookOptions.IsValidSchedule(schedule))
        {
            throw new ArgumentException(
                $"The schedule of {input.EventId} must be 1-{WebhookOptions.MaxAttempts} offsets from 00:00:00, strictly increasing.",
                nameof(input)
            );
        }

        var windowEnds = context.CurrentUtcDateTime + (input.EndpointWindow ?? EndpointWindow);
        var first = context.CurrentUtcDateTime;
        var slot = 1; // position in the schedule
        var made = 0; // attempts made in this run (the attempt rows' numbers)
        TimeSpan? retryAfter = null;
        while (slot <= schedule.Count)
        {
            if (made > 0)
            {
                // The gap before this slot, or the receiver's Retry-After when longer. The last attempt comes at the last
                // offset; an attempt that a Retry-After pushes there or beyond becomes the last one, at the last offset
                // (no burst of overdue attempts at the end). A slow attempt only delays the ones after it.
                var gap = schedule[slot - 1] - schedule[slot - 2];
                var pushed = retryAfter > gap;
                var due = context.CurrentUtcDateTime + (pushed ? retryAfter!.Value : gap);
                var deadline = first + schedule[^1];
                if (due >= deadline && (pushed || slot == schedule.Count))
                {
                    due = deadline;
                    slot = schedule.Count;
                }

                context.SetCustomStatus(
                    new
                    {
                        status = WebhookEventStatus.Retrying,
                        next_attempt = made + 1,
                        due,
                    }
                );
                await WaitForNudgeAsync(context, due); // a redelivery cuts the wait short
            }

            made++;
            var result = await context.PostWebhookAsync(
                new PostWebhookInput(input.EventId, input.Environment, input.PartnerId, input.Run, made, slot == schedule.Count),
                ActivityRetry
            );
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
                    if (windowEnds <= context.CurrentUtcDateTime)
                    {
                        return new DeliverWebhookResult(DeliverWebhookOutcome.NoEndpoint, made);
                    }

                    context.SetCustomStatus(new { status = WebhookEventStatus.AwaitingEndpoint });
                    if (!await WaitForNudgeAsync(context, windowEnds))
                    {
                        return new DeliverWebhookResult(DeliverWebhookOutcome.NoEndpoint, made);
                    }

                    // The schedule restarts from the moment the endpoint appeared: the partner gets every attempt of it.
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

    /// <summary>
    /// Waits until <paramref name="until"/> or <see cref="WebhookTaskNames.DeliverNowEvent"/>, whichever comes first;
    /// true for the event. It never gives up before <paramref name="until"/>: Azure Storage makes a timer's message
    /// visible after whole seconds, counted down from when it is sent, so a timer can fire up to a second early, and
    /// the rest is waited out with a timer padded by that second.
    /// </summary>
    private static async Task<bool> WaitForNudgeAsync(TaskOrchestrationContext context, DateTime until)
    {
        var wait = until - context.CurrentUtcDateTime;
        while (wait > TimeSpan.Zero)
        {
            try
            {
                await context.WaitForExternalEvent<bool>(WebhookTaskNames.DeliverNowEvent, wait);
                return true;
            }
            catch (TaskCanceledException)
            {
                var rest = until - context.CurrentUtcDateTime;
                wait = rest > TimeSpan.Zero ? rest + TimerGranularity : TimeSpan.Zero;
            }
        }

        return false;
    }
}
