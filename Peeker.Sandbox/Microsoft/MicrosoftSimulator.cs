using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Microsoft;

/// <summary>
/// Microsoft 365: Partner Center (<c>/partnercenter/v1</c>: customers, carts, checkout, <c>MS-RequestId</c> idempotency)
/// and Graph (<c>/graph/v1.0</c>: domains, verification and service configuration records, users, licences). Both want
/// a bearer token from the simulated Entra token endpoint (<see cref="MicrosoftEntra"/>) for their audience; a Graph
/// token is valid in the one customer tenant it was issued for. Missing, forged or expired tokens get 401.
/// </summary>
internal static class MicrosoftSimulator
{
    public const string ReplayKind = "microsoft.request";

    /// <summary>Catalog items the sandbox sells: catalogItemId → (skuId, skuPartNumber).</summary>
    public static readonly IReadOnlyDictionary<string, (Guid SkuId, string PartNumber)> Catalog = new Dictionary<string, (Guid, string)>
    {
        ["CFQ7TTC0LH18:0001"] = (Guid.Parse("3b555118-da6a-4418-894f-7df1e2096870"), "O365_BUSINESS_ESSENTIALS"),
        ["CFQ7TTC0LDPB:0001"] = (Guid.Parse("f245ecc8-75af-4f8e-b61f-27d8114de5f3"), "O365_BUSINESS_PREMIUM"),
        ["CFQ7TTC0LH16:0001"] = (Guid.Parse("4b9405b0-7788-4568-add1-99614e613b69"), "EXCHANGESTANDARD"),
    };

    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static void MapMicrosoftSimulator(this RouteGroupBuilder group)
    {
        group.MapEntra();
        var pc = group.MapGroup("/partnercenter/v1");
        pc.AddEndpointFilter(
            async (context, next) =>
            {
                var http = context.HttpContext;
                var grant = http.RequestServices.GetRequiredService<SandboxTokens>().FromBearer(http.Request, "partnercenter");
                if (grant is null)
                {
                    return PcError(401, 401, "Unauthorized: a valid Partner Center access token is required.");
                }

                var appUser = http.RequestServices.GetRequiredService<IOptions<SandboxOptions>>().Value.PartnerCenterAppUserClients;
                if (grant.User is null && (appUser.Contains("*") || appUser.Contains("sbx_" + grant.Partner)))
                {
                    return PcError(
                        401,
                        401,
                        "Unauthorized: this operation needs an app+user token (a Partner Center admin signed in through the app); an app-only token is not enough."
                    );
                }

                http.Items["partner"] = grant.Partner;
                return await next(context);
            }
        );
        pc.MapPost("/customers", MicrosoftPartnerCenter.CreateCustomerAsync);
        pc.MapGet("/customers", MicrosoftPartnerCenter.ListCustomersAsync);
        pc.MapPost("/customers/{customerId}/carts", MicrosoftPartnerCenter.CreateCartAsync);
        pc.MapPost("/customers/{customerId}/carts/{cartId}/checkout", MicrosoftPartnerCenter.CheckoutAsync);
        pc.MapGet("/customers/{customerId}/subscriptions", MicrosoftPartnerCenter.ListSubscriptionsAsync);
        pc.MapPatch("/customers/{customerId}/subscriptions/{subscriptionId}", MicrosoftPartnerCenter.UpdateSubscriptionAsync);

        var graph = group.MapGroup("/graph/v1.0");
        graph.AddEndpointFilter(
            async (context, next) =>
            {
                var http = context.HttpContext;
                var grant = http.RequestServices.GetRequiredService<SandboxTokens>().FromBearer(http.Request, "graph");
                if (grant?.Tenant is null)
                {
                    return GraphError(
                        401,
                        "InvalidAuthenticationToken",
                        "Access token is empty, expired or not valid for a sandbox tenant."
                    );
                }

                http.Items["partner"] = grant.Partner;
                http.Items["tenant"] = grant.Tenant;
                return await next(context);
            }
        );
        graph.MapPost("/domains", MicrosoftGraph.AddDomainAsync);
        graph.MapGet("/domains/{domainId}", MicrosoftGraph.GetDomainAsync);
        graph.MapDelete("/domains/{domainId}", MicrosoftGraph.DeleteDomainAsync);
        graph.MapPatch("/domains/{domainId}", MicrosoftGraph.UpdateDomainAsync);
        graph.MapGet("/domains/{domainId}/verificationDnsRecords", MicrosoftGraph.VerificationRecordsAsync);
        graph.MapPost("/domains/{domainId}/verify", MicrosoftGraph.VerifyAsync);
        graph.MapGet("/domains/{domainId}/serviceConfigurationRecords", MicrosoftGraph.ServiceRecordsAsync);
        graph.MapGet("/subscribedSkus", MicrosoftGraph.SubscribedSkusAsync);
        graph.MapPost("/users", MicrosoftGraph.CreateUserAsync);
        graph.MapGet("/users/{userId}", MicrosoftGraph.GetUserAsync);
        graph.MapPatch("/users/{userId}", MicrosoftGraph.UpdateUserAsync);
        graph.MapDelete("/users/{userId}", MicrosoftGraph.DeleteUserAsync);
        graph.MapPost("/users/{userId}/assignLicense", MicrosoftGraph.AssignLicenseAsync);
    }

    public static string Partner(HttpContext http) => (string)http.Items["partner"]!;

    public static string Tenant(HttpContext http) => (string)http.Items["tenant"]!;

    public static IResult Json(object value, int status = 200) => Results.Json(value, Options, statusCode: status);

    public static IResult PcError(int status, int code, string description) =>
        Results.Json(
            new
            {
                code,
                description,
                data = Array.Empty<object>(),
                source = "PartnerFD",
            },
            Options,
            statusCode: status
        );

    public static IResult GraphError(int status, string code, string message) =>
        Results.Json(
            new
            {
                error = new
                {
                    code,
                    message,
                    innerError = new
                    {
                        date = "2026-01-01T00:00:00",
                        requestId = Guid.Empty,
                        clientRequestId = Guid.Empty,
                    },
                },
            },
            Options,
            statusCode: status
        );

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

    public static string Serialize(object value) => JsonSerializer.Serialize(value, Options);
}
