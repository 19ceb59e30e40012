using System.Text.Json;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;

namespace Peeker.Functions.PartnerApi;

/// <summary>An event of the log; <c>attempts</c> only on <c>GET /events/{id}</c>.</summary>
public sealed record WebhookEventView(
    string Id,
    string Type,
    DateTimeOffset CreatedAt,
    string? OrderId,
    string Status,
    bool Delivered,
    DateTimeOffset? DeliveredAt,
    int AttemptCount,
    JsonElement Payload,
    IReadOnlyList<WebhookAttemptView>? Attempts
)
{
    /// <summary>The view of <paramref name="e"/>, with its attempts when given.</summary>
    public static WebhookEventView Of(WebhookEvent e, IReadOnlyList<WebhookAttempt>? attempts)
    {
        ArgumentNullException.ThrowIfNull(e);
        using var body = JsonDocument.Parse(e.Body);
        return new WebhookEventView(
            e.Id,
            e.Type,
            e.CreatedAt,
            e.OrderId,
            e.Status,
            e.Delivered,
            e.DeliveredAt,
            e.AttemptCount,
            body.RootElement.Clone(),
            attempts
                ?.Select(a => new WebhookAttemptView(a.Run, a.Number, a.AttemptedAt, a.Url, a.StatusCode, a.LatencyMilliseconds, a.Error))
                .ToList()
        );
    }
}

/// <summary>One delivery attempt: never the receiver's headers, body or redirect target.</summary>
public sealed record WebhookAttemptView(
    int Run,
    int Number,
    DateTimeOffset AttemptedAt,
    string Url,
    int? StatusCode,
    long LatencyMs,
    string? Error
);

/// <summary>A webhook endpoint; <c>secret</c> only in the answer that created it (save or rotate), null otherwise.</summary>
public sealed record WebhookEndpointView(
    string Url,
    string Environment,
    string? Secret,
    bool Disabled,
    DateTimeOffset? PreviousSecretExpiresAt
)
{
    /// <summary>The view of <paramref name="endpoint"/>, with the secret that was just made for it.</summary>
    public static WebhookEndpointView Of(WebhookEndpoint endpoint, string? secret = null)
    {
        ArgumentNullException.ThrowIfNull(endpoint);
        return new WebhookEndpointView(
            endpoint.Url,
            endpoint.Environment == PeekerEnvironment.Live ? "live" : "test",
            secret,
            endpoint.Disabled,
            endpoint.PreviousSecretExpiresAt
        );
    }
}

/// <summary>The <c>PUT /webhook</c> body.</summary>
public sealed record WebhookEndpointRequest(string Url);

/// <summary>
/// The partner's webhook routes, scoped to the calling key's partner and environment: the event log
/// (<c>GET /events</c> with filters <c>type</c>, <c>order_id</c>, <c>delivered</c>; <c>GET /events/{id}</c> with its
/// attempts; <c>POST /events/{id}/redeliver</c>) and the partner's own endpoint (<c>GET|PUT /webhook</c>,
/// <c>POST /webhook/rotate</c>).
/// </summary>
public static class WebhookFunctions
{
    private static readonly string[] Booleans = ["true", "false"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/events", ListEventsAsync).ProducesErrors(StatusCodes.Status400BadRequest).WithSummary("List webhook events");
        group
            .MapGet("/events/{id}", GetEventAsync)
            .ProducesErrors(StatusCodes.Status404NotFound)
            .WithSummary("Retrieve a webhook event with its delivery attempts");
        group
            .MapPost("/events/{id}/redeliver", RedeliverAsync)
            .ProducesErrors(StatusCodes.Status404NotFound)
            .WithSummary("Send an event again (same id and body)");
        group
            .MapGet("/webhook", GetEndpointAsync)
            .ProducesErrors(StatusCodes.Status404NotFound)
            .WithSummary("Retrieve the webhook endpoint");
        group
            .MapPut("/webhook", SaveEndpointAsync)
            .Accepts<WebhookEndpointRequest>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest)
            .WithSummary("Set the webhook endpoint (the new secret is shown once)");
        group
            .MapPost("/webhook/rotate", RotateAsync)
            .ProducesErrors(StatusCodes.Status404NotFound)
            .WithSummary("Rotate the webhook secret");
    }

    /// <summary>The endpoint's URL after the SSRF and scheme rules of the environment, else 400 on <paramref name="field"/>.</summary>
    public static async Task<string> CheckUrlAsync(
        PeekerEnvironment environment,
        string url,
        string field,
        WebhookOptions options,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(options);
        var check = await WebhookUrlPolicy.CheckAsync(environment, url, options.AllowLocalSandboxEndpoints, cancellationToken);
        return check.IsAllowed ? url : throw ApiException.Invalid(field, check.Reason!);
    }

    private static async Task<PartnerPage<WebhookEventView>> ListEventsAsync(
        PartnerContext caller,
        HttpRequest request,
        WebhookEventLog log,
        CancellationToken cancellationToken
    )
    {
        var page = Paging.Read(request);
        var delivered = Paging.Filter(request, "delivered", Booleans);
        var filter = new WebhookEventFilter(
            Paging.Filter(request, "type"),
            Paging.Filter(request, "order_id"),
            delivered is null ? null : delivered == "true"
        );
        var events = await log.ListAsync(caller.Env, caller.Partner.Id, filter, page, cancellationToken);
        return Paging.Result(request, events, page, e => WebhookEventView.Of(e, null));
    }

    private static async Task<PartnerOk<WebhookEventView>> GetEventAsync(
        PartnerContext caller,
        string id,
        WebhookEventLog log,
        CancellationToken cancellationToken
    ) =>
        await log.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) is { } details
            ? PartnerResults.Ok(WebhookEventView.Of(details.Event, details.Attempts))
            : throw ApiException.NotFound("event");

    private static async Task<PartnerAccepted<WebhookEventView>> RedeliverAsync(
        PartnerContext caller,
        string id,
        WebhookEventLog log,
        CancellationToken cancellationToken
    ) =>
        await log.RedeliverAsync(caller.Env, caller.Partner.Id, id, cancellationToken) is { } redelivered
            ? PartnerResults.Accepted(WebhookEventView.Of(redelivered, null))
            : throw ApiException.NotFound("event");

    private static async Task<PartnerOk<WebhookEndpointView>> GetEndpointAsync(
        PartnerContext caller,
        WebhookEndpointStore endpoints,
        CancellationToken cancellationToken
    ) =>
        await endpoints.GetAsync(caller.Env, caller.Partner.Id, cancellationToken) is { } endpoint
            ? PartnerResults.Ok(WebhookEndpointView.Of(endpoint))
            : throw NoEndpoint();

    private static async Task<PartnerOk<WebhookEndpointView>> SaveEndpointAsync(
        PartnerContext caller,
        HttpRequest request,
        WebhookEndpointStore endpoints,
        WebhookEventLog log,
        IOptions<WebhookOptions> options,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var url = await CheckUrlAsync(
            caller.Env,
            body.String("url", required: true, maxLength: 2048)!,
            "url",
            options.Value,
            cancellationToken
        );
        var (endpoint, secret) = await endpoints.SetAsync(caller.Env, caller.Partner.Id, url, cancellationToken);
        await log.WakeAwaitingAsync(caller.Env, caller.Partner.Id, cancellationToken);
        return PartnerResults.Ok(WebhookEndpointView.Of(endpoint, secret));
    }

    private static async Task<PartnerOk<WebhookEndpointView>> RotateAsync(
        PartnerContext caller,
        WebhookEndpointStore endpoints,
        CancellationToken cancellationToken
    ) =>
        await endpoints.RotateAsync(caller.Env, caller.Partner.Id, cancellationToken) is { } rotated
            ? PartnerResults.Ok(WebhookEndpointView.Of(rotated.Endpoint, rotated.Secret))
            : throw NoEndpoint();

    private static ApiException NoEndpoint() => new(404, ErrorCodes.NotFound, "No webhook endpoint is configured for this environment.");
}
