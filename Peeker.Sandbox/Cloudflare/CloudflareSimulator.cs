using System.Text.Json;
using System.Text.Json.Nodes;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Cloudflare;

/// <summary>
/// Cloudflare API v4 at <c>/client/v4</c>: the envelope on every answer, zones (1061 on duplicates, two assigned
/// <c>*.ns.cloudflare.com</c> nameservers, <c>active</c> once the sandbox registrar points at them), DNS records
/// (81057/81058/81054, pagination, batch), the redirect-rules entrypoint, and the 1,200 per 5 minutes limit.
/// </summary>
internal static class CloudflareSimulator
{
    public const int RequestsPer5Minutes = 1200;

    public static void MapCloudflareSimulator(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter(
            async (context, next) =>
            {
                var http = context.HttpContext;
                var partner = SandboxAuth.PartnerFromBearer(http.Request);
                if (partner is null)
                {
                    return CfResults.Fail(StatusCodes.Status403Forbidden, 10000, "Authentication error");
                }

                http.Items["partner"] = partner;
                var limits = http.RequestServices.GetRequiredService<SandboxRateLimits>();
                if (limits.Hit("cloudflare", partner, RequestsPer5Minutes, TimeSpan.FromMinutes(5)) is { } wait)
                {
                    return CfResults.RateLimited(http, wait);
                }

                return await next(context);
            }
        );

        group.MapPost("/zones", CloudflareZones.CreateAsync);
        group.MapGet("/zones", CloudflareZones.ListAsync);
        group.MapGet("/zones/{zoneId}", CloudflareZones.GetAsync);
        group.MapDelete("/zones/{zoneId}", CloudflareZones.DeleteAsync);
        group.MapPut("/zones/{zoneId}/activation_check", CloudflareZones.ActivationCheckAsync);
        group.MapGet("/zones/{zoneId}/dns_records", CloudflareRecords.ListAsync);
        group.MapPost("/zones/{zoneId}/dns_records", CloudflareRecords.CreateAsync);
        group.MapDelete("/zones/{zoneId}/dns_records/{recordId}", CloudflareRecords.DeleteAsync);
        group.MapPost("/zones/{zoneId}/dns_records/batch", CloudflareRecords.BatchAsync);
        group.MapPut("/zones/{zoneId}/rulesets/phases/{phase}/entrypoint", CloudflareRulesets.PutAsync);
        group.MapGet("/zones/{zoneId}/rulesets/phases/{phase}/entrypoint", CloudflareRulesets.GetAsync);
    }

    public static string Partner(HttpContext http) => (string)http.Items["partner"]!;
}

/// <summary>The v4 envelope, written from the docs (snake_case names spelled out).</summary>
internal static class CfResults
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static IResult Ok(object? result, object? resultInfo = null, int status = 200) =>
        Results.Json(
            resultInfo is null
                ? new
                {
                    success = true,
                    errors = Array.Empty<object>(),
                    messages = Array.Empty<object>(),
                    result,
                }
                : (object)
                    new
                    {
                        success = true,
                        errors = Array.Empty<object>(),
                        messages = Array.Empty<object>(),
                        result,
                        result_info = resultInfo,
                    },
            Options,
            statusCode: status
        );

    public static IResult Fail(int status, int code, string message) =>
        Results.Json(
            new
            {
                success = false,
                errors = new[] { new { code, message } },
                messages = Array.Empty<object>(),
                result = (object?)null,
            },
            Options,
            statusCode: status
        );

    public static IResult RateLimited(HttpContext http, int seconds)
    {
        http.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        http.Response.Headers["Ratelimit"] = $"\"default\";r=0;t={seconds}";
        http.Response.Headers["Ratelimit-Policy"] = $"\"burst\";q={CloudflareSimulator.RequestsPer5Minutes};w=300";
        return Fail(StatusCodes.Status429TooManyRequests, 971, "Please wait and consider throttling your request speed");
    }

    public static IResult NotFound(string path) =>
        Fail(StatusCodes.Status404NotFound, 7003, $"Could not route to {path}, perhaps your object identifier is invalid?");

    public static async Task<JsonObject?> BodyAsync(HttpRequest request, CancellationToken ct)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: ct) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static object Info(int page, int perPage, int count, int total) =>
        new
        {
            page,
            per_page = perPage,
            count,
            total_count = total,
            total_pages = Math.Max(1, (total + perPage - 1) / perPage),
        };
}
