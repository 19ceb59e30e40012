using System.Text.Json;
using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>Publishes partner-facing events. Call it from activities, never from orchestrator code.</summary>
public interface IWebhookPublisher
{
    /// <summary>
    /// Stores the event in the outbox and starts its <c>DeliverWebhook</c> orchestration (instance id = event id).
    /// With an <paramref name="idempotencyKey"/> publishing again returns the same event id and delivers once. Build the
    /// key from the event's business identity (for example <c>{orderId}:{eventType}</c>), never from engine ids: a
    /// durable retry runs the activity as a new task. <paramref name="data"/> is the resource itself and is serialized
    /// in snake_case.
    /// </summary>
    Task<string> PublishAsync(
        PeekerEnvironment environment,
        string partnerId,
        string type,
        object data,
        string? orderId,
        string? idempotencyKey,
        CancellationToken cancellationToken
    );
}

/// <inheritdoc />
public sealed class WebhookPublisher(WebhookEventStore events, IWebhookDeliveries deliveries, TimeProvider time) : IWebhookPublisher
{
    /// <inheritdoc />
    public async Task<string> PublishAsync(
        PeekerEnvironment environment,
        string partnerId,
        string type,
        object data,
        string? orderId,
        string? idempotencyKey,
        CancellationToken cancellationToken
    )
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(partnerId);
        ArgumentException.ThrowIfNullOrWhiteSpace(type);
        ArgumentNullException.ThrowIfNull(data);
        var now = time.GetUtcNow();
        var id = Ids.New("evt", now);
        if (idempotencyKey is not null)
        {
            id = await events.ReserveIdAsync(environment, partnerId, idempotencyKey, id, cancellationToken);
        }

        var created = false;
        if (await events.GetAsync(environment, partnerId, id, cancellationToken) is null)
        {
            var body = JsonSerializer.SerializeToUtf8Bytes(
                new Envelope(id, type, now, JsonSerializer.SerializeToElement(data, PeekerJson.Options)),
                PeekerJson.Options
            );
            created = await events.TryCreateAsync(
                new WebhookEvent(id, environment, partnerId, type, orderId, now, WebhookEventStatus.Pending, 0, null, 1, body),
                cancellationToken
            );
        }

        // A crash between storing and starting leaves a stored event without an instance: a retry of the same publish starts it.
        await deliveries.StartAsync(new DeliverWebhookInput(id, environment, partnerId), onlyIfNew: !created, cancellationToken);
        return id;
    }

    private sealed record Envelope(string Id, string Type, DateTimeOffset CreatedAt, JsonElement Data);
}
