using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>Delivery states of an event, as stored and shown in the event log.</summary>
public static class WebhookEventStatus
{
    /// <summary>Stored; the first attempt has not finished.</summary>
    public const string Pending = "pending";

    /// <summary>No endpoint (or a disabled one): delivered if an endpoint is saved within 24 h of the event.</summary>
    public const string AwaitingEndpoint = "awaiting_endpoint";

    /// <summary>An attempt failed; the next one waits on a durable timer.</summary>
    public const string Retrying = "retrying";

    /// <summary>The endpoint answered 2xx.</summary>
    public const string Delivered = "delivered";

    /// <summary>Every attempt failed.</summary>
    public const string Failed = "failed";

    /// <summary>The endpoint answered 410 Gone and was disabled.</summary>
    public const string EndpointGone = "endpoint_gone";
}

/// <summary>One event of the outbox. <see cref="Body"/> is the exact envelope bytes every attempt sends and signs.</summary>
public sealed record WebhookEvent(
    string Id,
    PeekerEnvironment Environment,
    string PartnerId,
    string Type,
    string? OrderId,
    DateTimeOffset CreatedAt,
    string Status,
    int AttemptCount,
    DateTimeOffset? DeliveredAt,
    int Run,
    byte[] Body
)
{
    /// <summary>True once an attempt got a 2xx.</summary>
    public bool Delivered => Status == WebhookEventStatus.Delivered;
}

/// <summary>One delivery attempt: when, where, what came back, how long it took.</summary>
public sealed record WebhookAttempt(
    string EventId,
    int Run,
    int Number,
    DateTimeOffset AttemptedAt,
    string Url,
    int? StatusCode,
    long LatencyMilliseconds,
    string? Error
);

/// <summary>Filters of the event log.</summary>
public sealed record WebhookEventFilter(string? Type = null, string? OrderId = null, bool? Delivered = null);
