using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Hosting;

namespace Peeker.Functions.Webhooks;

/// <summary>Who is calling a partner route: the environment of their key and their partner id.</summary>
public sealed record WebhookCaller(PeekerEnvironment Environment, string PartnerId);

/// <summary>
/// Partner-facing webhook routes, for the Partner API to mount inside its <c>/partner/v1</c> group after its key
/// authentication: <c>GET /events</c> (filters <c>type</c>, <c>order_id</c>, <c>delivered</c>; <c>per_page</c>,
/// <c>page_token</c>), <c>GET /events/{id}</c> (with attempts), <c>POST /events/{id}/redeliver</c>, and the partner's
/// own endpoint: <c>GET /webhook</c>, <c>PUT /webhook {url}</c>, <c>POST /webhook/rotate</c>. The caller's environment
/// and partner id come from <c>caller</c> (null = 401), so every query is scoped to that partner.
/// </summary>
public static class WebhookPartnerFunctions
{
    /// <summary>Maps the routes on <paramref name="group"/>.</summary>
    public static IEndpointRouteBuilder MapPartnerWebhookRoutes(this IEndpointRouteBuilder group, Func<HttpContext, WebhookCaller?> caller)
    {
        ArgumentNullException.ThrowIfNull(group);
        ArgumentNullException.ThrowIfNull(caller);
        group.MapGet("/events", (HttpContext http, WebhookEventLog log, CancellationToken ct) => WithCaller(http, caller, c => ListAsync(http, c, log, ct)));
        group.MapGet("/events/{id}", (string id, HttpContext http, WebhookEventLog log, CancellationToken ct) => WithCaller(http, caller, async c =>
            await log.GetAsync(c.Environment, c.PartnerId, id, ct) is { } details
                ? Results.Json(new { data = View(details.Event, details.Attempts) }, WebhookPublisher.PayloadJson)
                : WebhookErrors.NotFound("No such event.")));
        group.MapPost("/events/{id}/redeliver", (string id, HttpContext http, WebhookEventLog log, CancellationToken ct) => WithCaller(http, caller, async c =>
            await log.RedeliverAsync(c.Environment, c.PartnerId, id, ct) is { } redelivered
                ? Results.Json(new { data = View(redelivered, null) }, WebhookPublisher.PayloadJson, statusCode: StatusCodes.Status202Accepted)
                : WebhookErrors.NotFound("No such event.")));
        group.MapGet("/webhook", (HttpContext http, WebhookEndpointStore endpoints, CancellationToken ct) => WithCaller(http, caller, async c =>
            await endpoints.GetAsync(c.Environment, c.PartnerId, ct) is { } endpoint
                ? Results.Json(new { data = new { endpoint.Url, Environment = Name(c.Environment), endpoint.Disabled, endpoint.PreviousSecretExpiresAt } }, WebhookPublisher.PayloadJson)
                : WebhookErrors.NotFound("No webhook endpoint is configured.")));
        group.MapPut("/webhook", (HttpContext http, WebhookEndpointStore endpoints, WebhookEventLog log, IOptions<WebhookOptions> options, CancellationToken ct) => WithCaller(http, caller, async c =>
        {
            var (url, error) = await ReadUrlAsync(http.Request, ct);
            if (error is not null)
            {
                return error;
            }

            var check = await WebhookUrlPolicy.CheckAsync(c.Environment, url, options.Value.AllowLocalSandboxEndpoints, ct);
            if (!check.IsAllowed)
            {
                return WebhookErrors.InvalidRequest(check.Reason!, "url");
            }

            var (endpoint, secret) = await endpoints.SetAsync(c.Environment, c.PartnerId, url!, ct);
            await log.WakeAwaitingAsync(c.Environment, c.PartnerId, ct);
            return Results.Json(new { data = new { endpoint.Url, Environment = Name(c.Environment), Secret = secret } }, WebhookPublisher.PayloadJson);
        }));
        group.MapPost("/webhook/rotate", (HttpContext http, WebhookEndpointStore endpoints, CancellationToken ct) => WithCaller(http, caller, async c =>
            await endpoints.RotateAsync(c.Environment, c.PartnerId, ct) is { } rotated
                ? Results.Json(new { data = new { rotated.Endpoint.Url, Environment = Name(c.Environment), Secret = rotated.Secret, rotated.Endpoint.PreviousSecretExpiresAt } }, WebhookPublisher.PayloadJson)
                : WebhookErrors.NotFound("No webhook endpoint is configured.")));
        return group;
    }

    private static async Task<IResult> ListAsync(HttpContext http, WebhookCaller caller, WebhookEventLog log, CancellationToken ct)
    {
        var query = http.Request.Query;
        var perPage = 25;
        if (query.TryGetValue("per_page", out var perPageText)
            && (!int.TryParse(perPageText, System.Globalization.CultureInfo.InvariantCulture, out perPage) || perPage is < 1 or > 100))
        {
            return WebhookErrors.InvalidRequest("per_page must be an integer from 1 to 100.", "per_page");
        }

        bool? delivered = null;
        if (query.TryGetValue("delivered", out var deliveredText))
        {
            if (deliveredText != "true" && deliveredText != "false")
            {
                return WebhookErrors.InvalidRequest("delivered must be true or false.", "delivered");
            }

            delivered = deliveredText == "true";
        }

        string? continuation = null;
        if (query.TryGetValue("page_token", out var token) && !TryDecodeToken(token.ToString(), out continuation))
        {
            return WebhookErrors.InvalidRequest("page_token is not valid; use links.next as given.", "page_token");
        }

        var filter = new WebhookEventFilter(NullIfEmpty(query["type"]), NullIfEmpty(query["order_id"]), delivered);
        var page = await log.ListAsync(caller.Environment, caller.PartnerId, filter, perPage, continuation, ct);
        // From the configured origin, never the request's Host header.
        var path = http.RequestServices.GetRequiredService<PublicBaseUrl>().PathOf(http.Request);
        var first = path + "?" + QueryString(filter, perPage, null);
        var next = page.NextPageToken is null ? null : path + "?" + QueryString(filter, perPage, EncodeToken(page.NextPageToken));
        return Results.Json(new
        {
            data = page.Events.Select(e => View(e, null)),
            links = new { first, next },
            meta = new { path, per_page = perPage, returned = page.Events.Count },
        }, WebhookPublisher.PayloadJson);
    }

    private static async Task<IResult> WithCaller(HttpContext http, Func<HttpContext, WebhookCaller?> caller, Func<WebhookCaller, Task<IResult>> run) =>
        caller(http) is { } c ? await run(c) : WebhookErrors.Unauthorized();

    /// <summary>The partner's view of an event plus whose it is, for the admin API.</summary>
    internal static object AdminView(WebhookEvent e, IReadOnlyList<WebhookAttempt>? attempts) =>
        new { PartnerId = e.PartnerId, Environment = Name(e.Environment), Event = View(e, attempts) };

    private static object View(WebhookEvent e, IReadOnlyList<WebhookAttempt>? attempts)
    {
        using var body = JsonDocument.Parse(e.Body);
        return new
        {
            e.Id,
            e.Type,
            CreatedAt = WebhookPublisher.FormatTime(e.CreatedAt),
            e.OrderId,
            e.Status,
            e.Delivered,
            DeliveredAt = e.DeliveredAt is { } at ? WebhookPublisher.FormatTime(at) : null,
            e.AttemptCount,
            Payload = body.RootElement.Clone(),
            Attempts = attempts?.Select(a => new
            {
                a.Run,
                a.Number,
                AttemptedAt = WebhookPublisher.FormatTime(a.AttemptedAt),
                a.Url,
                a.StatusCode,
                LatencyMs = a.LatencyMilliseconds,
                a.Error,
            }),
        };
    }

    private static string QueryString(WebhookEventFilter filter, int perPage, string? token)
    {
        var parts = new List<string>();
        if (filter.Type is { } type)
        {
            parts.Add("type=" + Uri.EscapeDataString(type));
        }

        if (filter.OrderId is { } orderId)
        {
            parts.Add("order_id=" + Uri.EscapeDataString(orderId));
        }

        if (filter.Delivered is { } delivered)
        {
            parts.Add("delivered=" + (delivered ? "true" : "false"));
        }

        parts.Add("per_page=" + perPage.ToString(System.Globalization.CultureInfo.InvariantCulture));
        if (token is not null)
        {
            parts.Add("page_token=" + token);
        }

        return string.Join('&', parts);
    }

    private static string EncodeToken(string continuation) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(continuation)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static bool TryDecodeToken(string token, out string? continuation)
    {
        continuation = null;
        var base64 = token.Replace('-', '+').Replace('_', '/');
        base64 += new string('=', (4 - (base64.Length % 4)) % 4);
        var buffer = new byte[base64.Length];
        if (token.Length == 0 || !Convert.TryFromBase64String(base64, buffer, out var written))
        {
            return false;
        }

        continuation = Encoding.UTF8.GetString(buffer, 0, written);
        return true;
    }

    private static async Task<(string? Url, IResult? Error)> ReadUrlAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            using var document = await JsonDocument.ParseAsync(request.Body, cancellationToken: ct);
            return document.RootElement.ValueKind == JsonValueKind.Object
                && document.RootElement.TryGetProperty("url", out var url) && url.ValueKind == JsonValueKind.String
                ? (url.GetString(), null)
                : (null, WebhookErrors.InvalidRequest("url is required.", "url"));
        }
        catch (JsonException)
        {
            return (null, WebhookErrors.InvalidRequest("The body is not valid JSON.", null));
        }
    }

    private static string? NullIfEmpty(string? value) => string.IsNullOrEmpty(value) ? null : value;

    private static string Name(PeekerEnvironment environment) => environment == PeekerEnvironment.Live ? "live" : "test";
}
