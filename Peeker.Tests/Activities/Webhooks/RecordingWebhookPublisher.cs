using System.Collections.Concurrent;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;

namespace Peeker.Tests.Activities.Webhooks;

/// <summary>One publish as the activity asked for it, and the event id it got.</summary>
public sealed record PublishedEvent(string PartnerId, string Type, string? OrderId, string? IdempotencyKey, string EventId, object Data);

/// <summary>
/// A publisher that remembers every publish and, like the outbox, answers the event id already reserved for an
/// idempotency key (per environment and partner); without a key every publish is a new event.
/// </summary>
public sealed class RecordingWebhookPublisher : IWebhookPublisher
{
    private readonly ConcurrentDictionary<string, string> _reserved = new(StringComparer.Ordinal);
    private int _next;

    public ConcurrentQueue<PublishedEvent> Published { get; } = new();

    public Task<string> PublishAsync(
        PeekerEnvironment environment,
        string partnerId,
        string type,
        object data,
        string? orderId,
        string? idempotencyKey,
        CancellationToken cancellationToken
    )
    {
        var candidate = "evt_" + Interlocked.Increment(ref _next).ToString(CultureInfo.InvariantCulture);
        var id = idempotencyKey is null ? candidate : _reserved.GetOrAdd($"{environment}|{partnerId}|{idempotencyKey}", candidate);
        Published.Enqueue(new PublishedEvent(partnerId, type, orderId, idempotencyKey, id, data));
        return Task.FromResult(id);
    }
}
