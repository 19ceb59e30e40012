using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Admin;

namespace Peeker.Functions.Webhooks;

/// <summary>
/// Admin routes of a partner's webhook endpoint (the docs' portal): <c>PUT</c>, <c>GET</c> and
/// <c>POST …/rotate</c> under <c>/admin/v1/partners/{id}/webhook</c>, bearer <c>Peeker:AdminKey</c>. The partner id
/// is checked for shape (<c>org_…</c>) only: this branch has no partner store.
/// </summary>
public static partial class WebhookAdminFunctions
{
    /// <summary>Maps the routes.</summary>
    public static IEndpointRouteBuilder MapPeekerWebhooks(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin/v1/partners/{id}/webhook").RequireAdminKey();
        group.MapPut("/", SaveAsync);
        group.MapGet("/", GetAsync);
        group.MapPost("/rotate", RotateAsync);

        // Operators know an event id from a partner's report, not its partner or environment: these find it by id.
        var events = routes.MapGroup("/admin/v1/events").RequireAdminKey();
        events.MapGet("/{eventId}", GetEventAsync);
        events.MapPost("/{eventId}/redeliver", RedeliverEventAsync);
        return routes;
    }

    /// <summary><c>GET /admin/v1/events/{eventId}</c>: the event with its attempts, partner and environment.</summary>
    public static async Task<IResult> GetEventAsync(string eventId, WebhookEventLog eventLog, CancellationToken cancellationToken) =>
        await eventLog.FindAsync(eventId, cancellationToken) is { } details
            ? Results.Json(new { data = WebhookPartnerFunctions.AdminView(details.Event, details.Attempts) }, WebhookPublisher.PayloadJson)
            : WebhookErrors.NotFound("No such event.");

    /// <summary>
    /// <c>POST /admin/v1/events/{eventId}/redeliver</c>: sends the event again with the same id and body, exactly as
    /// the partner's own redeliver route does (202).
    /// </summary>
    public static async Task<IResult> RedeliverEventAsync(string eventId, WebhookEventLog eventLog, CancellationToken cancellationToken)
    {
        if (await eventLog.FindAsync(eventId, cancellationToken) is not { } found
            || await eventLog.RedeliverAsync(found.Event.Environment, found.Event.PartnerId, eventId, cancellationToken) is not { } redelivered)
        {
            return WebhookErrors.NotFound("No such event.");
        }

        return Results.Json(new { data = WebhookPartnerFunctions.AdminView(redelivered, null) }, WebhookPublisher.PayloadJson, statusCode: StatusCodes.Status202Accepted);
    }

    /// <summary><c>PUT</c>: saves the URL and returns the new secret, shown once.</summary>
    public static async Task<IResult> SaveAsync(
        string id, HttpRequest request, WebhookEndpointStore endpoints, WebhookEventLog eventLog, IOptions<WebhookOptions> options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        ArgumentNullException.ThrowIfNull(options);
        if (!IsPartnerId(id))
        {
            return WebhookErrors.NotFound("No such partner.");
        }

        var (body, error) = await ReadBodyAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!TryEnvironment(Property(body, "environment"), out var environment))
        {
            return WebhookErrors.InvalidRequest("environment must be \"test\" or \"live\".", "environment");
        }

        var url = Property(body, "url");
        var check = await WebhookUrlPolicy.CheckAsync(environment, url, options.Value.AllowLocalSandboxEndpoints, cancellationToken);
        if (!check.IsAllowed)
        {
            return WebhookErrors.InvalidRequest(check.Reason!, "url");
        }

        var (endpoint, secret) = await endpoints.SetAsync(environment, id, url!, cancellationToken);
        await eventLog.WakeAwaitingAsync(environment, id, cancellationToken);
        return Results.Json(new { data = new EndpointView(endpoint.Url, Name(environment), secret, endpoint.Disabled, null) }, WebhookPublisher.PayloadJson);
    }

    /// <summary><c>GET ?environment=test|live</c>: the URL and state, never the secret.</summary>
    public static async Task<IResult> GetAsync(string id, string? environment, WebhookEndpointStore endpoints, CancellationToken cancellationToken)
    {
        if (!IsPartnerId(id))
        {
            return WebhookErrors.NotFound("No such partner.");
        }

        if (!TryEnvironment(environment, out var env))
        {
            return WebhookErrors.InvalidRequest("environment must be \"test\" or \"live\".", "environment");
        }

        var endpoint = await endpoints.GetAsync(env, id, cancellationToken);
        return endpoint is null
            ? WebhookErrors.NotFound($"No {Name(env)} webhook endpoint is configured for this partner.")
            : Results.Json(new { data = new EndpointView(endpoint.Url, Name(env), null, endpoint.Disabled, endpoint.PreviousSecretExpiresAt) }, WebhookPublisher.PayloadJson);
    }

    /// <summary><c>POST …/rotate {environment}</c>: a new secret; the old one keeps signing for 24 h.</summary>
    public static async Task<IResult> RotateAsync(string id, HttpRequest request, WebhookEndpointStore endpoints, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (!IsPartnerId(id))
        {
            return WebhookErrors.NotFound("No such partner.");
        }

        var (body, error) = await ReadBodyAsync(request, cancellationToken);
        if (error is not null)
        {
            return error;
        }

        if (!TryEnvironment(Property(body, "environment"), out var environment))
        {
            return WebhookErrors.InvalidRequest("environment must be \"test\" or \"live\".", "environment");
        }

        var rotated = await endpoints.RotateAsync(environment, id, cancellationToken);
        return rotated is not { } r
            ? WebhookErrors.NotFound($"No {Name(environment)} webhook endpoint is configured for this partner.")
            : Results.Json(new { data = new EndpointView(r.Endpoint.Url, Name(environment), r.Secret, r.Endpoint.Disabled, r.Endpoint.PreviousSecretExpiresAt) }, WebhookPublisher.PayloadJson);
    }

    private sealed record EndpointView(string Url, string Environment, string? Secret, bool Disabled, DateTimeOffset? PreviousSecretExpiresAt);

    private static async Task<(JsonElement Body, IResult? Error)> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: cancellationToken);
            return document.RootElement.ValueKind == JsonValueKind.Object
                ? (document.RootElement.Clone(), null)
                : (default, WebhookErrors.InvalidRequest("The body must be a JSON object.", null));
        }
        catch (JsonException)
        {
            return (default, WebhookErrors.InvalidRequest("The body is not valid JSON.", null));
        }
    }

    private static string? Property(JsonElement body, string name) =>
        body.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private static bool TryEnvironment(string? value, out PeekerEnvironment environment)
    {
        environment = value == "live" ? PeekerEnvironment.Live : PeekerEnvironment.Test;
        return value is "test" or "live";
    }

    private static string Name(PeekerEnvironment environment) => environment == PeekerEnvironment.Live ? "live" : "test";

    private static bool IsPartnerId(string id) => PartnerIdPattern().IsMatch(id);

    [GeneratedRegex("^org_[A-Za-z0-9]{1,64}$")]
    private static partial Regex PartnerIdPattern();
}
