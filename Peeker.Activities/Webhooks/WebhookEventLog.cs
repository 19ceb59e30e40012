using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>An event with its delivery attempts, as the event log shows it.</summary>
public sealed record WebhookEventDetails(WebhookEvent Event, IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>
/// The partner-facing event log (<c>GET /partner/v1/events</c>, <c>GET /partner/v1/events/{id}</c>,
/// <c>POST /partner/v1/events/{id}/redeliver</c>): queries scoped to one partner and environment, and redelivery.
/// The HTTP wiring under partner authentication belongs to the Partner API.
/// </summary>
public sealed class WebhookEventLog(WebhookEventStore events, IWebhookDeliveries deliveries, TimeProvider time)
{
    /// <summary>A page of events (oldest first), 1..100 per page.</summary>
    public Task<ResultPage<WebhookEvent>> ListAsync(
        PeekerEnvironment environment,
        string partnerId,
        WebhookEventFilter filter,
        PageRequest page,
        CancellationToken cancellationToken
    ) => events.ListAsync(environment, partnerId, filter, page with { PerPage = Math.Clamp(page.PerPage, 1, 100) }, cancellationToken);

    /// <summary>The event with its attempts, or null when this partner has no such event.</summary>
    public async Task<WebhookEventDetails?> GetAsync(
        PeekerEnvironment environment,
        string partnerId,
        string eventId,
        CancellationToken cancellationToken
    )
    {
        var webhookEvent = await events.GetAsync(environment, partnerId, eventId, cancellationToken);
        return webhookEvent is null
            ? null
            : new WebhookEventDetails(webhookEvent, await events.ListAttemptsAsync(eventId, cancellationToken));
    }

    /// <summary>The event with its attempts whatever its partner and environment (operators), or null.</summary>
    public async Task<WebhookEventDetails?> FindAsync(string eventId, CancellationToken cancellationToken)
    {
        var webhookEvent = await events.FindAsync(eventId, cancellationToken);
        return webhookEvent is null
            ? null
            : new WebhookEventDetails(webhookEvent, await events.ListAttemptsAsync(eventId, cancellationToken));
    }

    /// <summary>
    /// Sends the event again with the same id and body (signed afresh): a finished delivery starts a new run of up to
    /// five attempts; a running one attempts now (a retry wait is cut short, a wait for an endpoint is woken). Returns
    /// null when this partner has no such event.
    /// </summary>
    public async Task<WebhookEvent?> RedeliverAsync(
        PeekerEnvironment environment,
        string partnerId,
        string eventId,
        CancellationToken cancellationToken
    )
    {
        var webhookEvent = await events.GetAsync(environment, partnerId, eventId, cancellationToken);
        if (webhookEvent is null)
        {
            return null;
        }

        if (await deliveries.WakeAsync(eventId, cancellationToken))
        {
            return webhookEvent;
        }

        var run = webhookEvent.Run + 1;
        await events.UpdateStatusAsync(
            environment,
            partnerId,
            eventId,
            WebhookEventStatus.Pending,
            run: run,
            cancellationToken: cancellationToken
        );
        await deliveries.StartAsync(new DeliverWebhookInput(eventId, environment, partnerId, run), onlyIfNew: false, cancellationToken);
        return await events.GetAsync(environment, partnerId, eventId, cancellationToken);
    }

    /// <summary>Wakes every delivery of the last 24 h that waits for an endpoint (called after an endpoint is saved).</summary>
    public async Task<int> WakeAwaitingAsync(PeekerEnvironment environment, string partnerId, CancellationToken cancellationToken)
    {
        var woken = 0;
        var since = time.GetUtcNow() - TimeSpan.FromHours(24);
        foreach (var id in await events.ListAwaitingEndpointAsync(environment, partnerId, since, cancellationToken))
        {
            if (await deliveries.WakeAsync(id, cancellationToken))
            {
                woken++;
            }
        }

        return woken;
    }
}
