using System.Text.Json;
using System.Text.Json.Nodes;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Google;

/// <summary>
/// Google Workspace: Reseller (<c>/apps/reseller/v1</c>), Site Verification (<c>/siteVerification/v1</c>) and Directory
/// (<c>/admin/directory/v1</c>), with Google's <c>error{code,message,errors[{domain,reason,message}]}</c> envelope.
/// Auth: a bearer token from the simulated token endpoint <c>/token</c> (<see cref="GoogleOAuth"/>); a missing, forged or
/// expired one gets 401 <c>authError</c>, as Google answers.
/// </summary>
internal static class GoogleSimulator
{
    private static readonly JsonSerializerOptions Options = new() { PropertyNamingPolicy = null };

    public static void MapGoogleSimulator(this RouteGroupBuilder root)
    {
        root.MapPost("/token", GoogleOAuth.TokenAsync).DisableAntiforgery();
        var group = root.MapGroup("");
        group.AddEndpointFilter(
            async (context, next) =>
            {
                var http = context.HttpContext;
                var grant = http.RequestServices.GetRequiredService<SandboxTokens>().FromBearer(http.Request, "google");
                if (grant is null)
                {
                    return Error(
                        401,
                        "authError",
                        "Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential."
                    );
                }

                http.Items["partner"] = grant.Partner;
                return await next(context);
            }
        );

        group.MapPost("/apps/reseller/v1/customers", GoogleReseller.CreateCustomerAsync);
        group.MapGet("/apps/reseller/v1/customers/{customerKey}", GoogleReseller.GetCustomerAsync);
        group.MapPost("/apps/reseller/v1/customers/{customerId}/subscriptions", GoogleReseller.CreateSubscriptionAsync);
        group.MapGet("/apps/reseller/v1/subscriptions", GoogleReseller.ListSubscriptionsAsync);
        group.MapDelete("/apps/reseller/v1/customers/{customerId}/subscriptions/{subscriptionId}", GoogleReseller.DeleteSubscriptionAsync);
        group.MapPost("/siteVerification/v1/token", GoogleVerification.TokenAsync);
        group.MapPost("/siteVerification/v1/webResource", GoogleVerification.VerifyAsync);
        group.MapPost("/admin/directory/v1/users", GoogleDirectory.CreateUserAsync);
        group.MapGet("/admin/directory/v1/users", GoogleDirectory.ListUsersAsync);
        group.MapGet("/admin/directory/v1/users/{userKey}", GoogleDirectory.GetUserAsync);
        group.MapPut("/admin/directory/v1/users/{userKey}", GoogleDirectory.UpdateUserAsync);
        group.MapDelete("/admin/directory/v1/users/{userKey}", GoogleDirectory.DeleteUserAsync);
        group.MapPost("/admin/directory/v1/users/{userKey}/aliases", GoogleDirectory.AddAliasAsync);
        group.MapPut("/admin/directory/v1/users/{userKey}/photos/thumbnail", GoogleDirectory.SetPhotoAsync);
    }

    public static string Partner(HttpContext http) => (string)http.Items["partner"]!;

    public static IResult Json(object value, int status = 200) => Results.Json(value, Options, statusCode: status);

    public static IResult Error(int code, string reason, string message) =>
        Results.Json(
            new
            {
                error = new
                {
                    code,
                    message,
                    errors = new[]
                    {
                        new
                        {
                            message,
                            domain = "global",
                            reason,
                        },
                    },
                },
            },
            Options,
            statusCode: code
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
}
