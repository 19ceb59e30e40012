using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Partners;
using Peeker.Activities.Webhooks;
using Peeker.Functions.PartnerApi;

namespace Peeker.Functions.Admin;

/// <summary>An event found by id for an operator: whose it is, and what the partner sees.</summary>
public sealed record AdminWebhookEvent(string PartnerId, string Environment, WebhookEventView Event);

/// <summary>The admin <c>PUT /partners/{id}/webhook</c> body.</summary>
public sealed record AdminWebhookEndpointRequest(string Environment, string Url);

/// <summary>The admin <c>POST /partners/{id}/webhook/rotate</c> body.</summary>
public sealed record AdminRotateRequest(string Environment);

/// <summary>
/// The admin API's webhook routes (the docs' partner portal, for operators): a partner's endpoint per environment
/// (<c>PUT|GET /partners/{id}/webhook</c>, <c>POST /partners/{id}/webhook/rotate</c>; 404 for a partner that does not
/// exist), and any event by id whatever its partner (<c>GET /events/{eventId}</c>, <c>POST /events/{eventId}/redeliver</c>).
/// </summary>
public static class AdminWebhookFunctions
{
    private static readonly string[] Environments = ["test", "live"];

    /// <summary>Maps the endpoints on the admin group.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        ArgumentNullException.ThrowIfNull(group);
        group.MapPut("/partners/{id}/webhook", SaveAsync);
        group.MapGet("/partners/{id}/webhook", GetAsync);
        group.MapPost("/partners/{id}/webhook/rotate", RotateAsync);

        // Operators know an event id from a partner's report, not its partner or environment: these find it by id.
        group.MapGet("/events/{eventId}", GetEventAsync);
        group.MapPost("/events/{eventId}/redeliver", RedeliverEventAsync);
    }

    private static async Task<PartnerOk<WebhookEndpointView>> SaveAsync(
        HttpContext http,
        string id,
        PartnerStore partners,
        WebhookEndpointStore endpoints,
        WebhookEventLog eventLog,
        IOptions<WebhookOptions> options
    )
    {
        await RequirePartnerAsync(partners, id, http.RequestAborted);
        var body = await JsonBody.ReadAsync(http.Request);
        var environment = Environment(body.Enum("environment", Environments, required: true)!);
        var url = await WebhookFunctions.CheckUrlAsync(
            environment,
            body.String("url", required: true, maxLength: 2048)!,
            "url",
            options.Value,
            http.RequestAborted
        );
        var (endpoint, secret) = await endpoints.SetAsync(environment, id, url, http.RequestAborted);
        await eventLog.WakeAwaitingAsync(environment, id, http.RequestAborted);
        return PartnerResults.Ok(WebhookEndpointView.Of(endpoint, secret));
    }

    private static async Task<PartnerOk<WebhookEndpointView>> GetAsync(
        string id,
        string? environment,
        PartnerStore partners,
        WebhookEndpointStore endpoints,
        CancellationToken cancellationToken
    )
    {
        await RequirePartnerAsync(partners, id, cancellationToken);
        var env = Environment(
            environment is "test" or "live"
                ? environment
                : throw ApiException.Invalid("environment", "environment must be \"test\" or \"live\".")
        );
        return await endpoints.GetAsync(env, id, cancellationToken) is { } endpoint
            ? PartnerResults.Ok(WebhookEndpointView.Of(endpoint))
            : throw new ApiException(404, ErrorCodes.NotFound, $"No {environment} webhook endpoint is configured for this partner.");
    }

    private static async Task<PartnerOk<WebhookEndpointView>> RotateAsync(
        HttpContext http,
        string id,
        PartnerStore partners,
        WebhookEndpointStore endpoints
    )
    {
        await RequirePartnerAsync(partners, id, http.RequestAborted);
        var body = await JsonBody.ReadAsync(http.Request);
        var name = body.Enum("environment", Environments, required: true)!;
        return await endpoints.RotateAsync(Environment(name), id, http.RequestAborted) is { } rotated
            ? PartnerResults.Ok(WebhookEndpointView.Of(rotated.Endpoint, rotated.Secret))
            : throw new ApiException(404, ErrorCodes.NotFound, $"No {name} webhook endpoint is configured for this partner.");
    }

    private static async Task<PartnerOk<AdminWebhookEvent>> GetEventAsync(
        string eventId,
        WebhookEventLog eventLog,
        CancellationToken cancellationToken
    ) =>
        await eventLog.FindAsync(eventId, cancellationToken) is { } details
            ? PartnerResults.Ok(View(details.Event, details.Attempts))
            : throw ApiException.NotFound("event");

    private static async Task<PartnerAccepted<AdminWebhookEvent>> RedeliverEventAsync(
        string eventId,
        WebhookEventLog eventLog,
        CancellationToken cancellationToken
    )
    {
        if (
            await eventLog.FindAsync(eventId, cancellationToken) is not { } found
            || await eventLog.RedeliverAsync(found.Event.Environment, found.Event.PartnerId, eventId, cancellationToken)
                is not { } redelivered
        )
        {
            throw ApiException.NotFound("event");
        }

        return PartnerResults.Accepted(View(redelivered, null));
    }

    private static AdminWebhookEvent View(WebhookEvent e, IReadOnlyList<WebhookAttempt>? attempts) =>
        new(e.PartnerId, e.Environment == PeekerEnvironment.Live ? "live" : "test", WebhookEventView.Of(e, attempts));

    private static async Task RequirePartnerAsync(PartnerStore partners, string id, CancellationToken cancellationToken)
    {
        if (await partners.GetAsync(id, cancellationToken) is null)
        {
            throw ApiException.NotFound("partner");
        }
    }

    private static PeekerEnvironment Environment(string name) => name == "live" ? PeekerEnvironment.Live : PeekerEnvironment.Test;
}
