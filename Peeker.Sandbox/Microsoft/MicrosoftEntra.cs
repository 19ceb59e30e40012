using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Microsoft;

/// <summary>
/// Microsoft Entra's v2.0 token endpoint for apps (<c>POST /{tenant}/oauth2/v2.0/token</c>, client credentials with a
/// client secret or a certificate-signed <c>client_assertion</c>; <c>refresh_token</c> for Partner Center's app+user
/// flow, <see cref="EntraUserTokens"/>) and the OpenID discovery document MSAL may read. A sandbox partner's app is
/// <c>client_id=sbx_{partnerId}</c> with the secret <c>sbxcs_</c> + base64url(HMAC-SHA256(shared secret,
/// <c>microsoft-client-secret:{partnerId}</c>)). Scope <c>https://api.partnercenter.microsoft.com/.default</c> (any
/// tenant: the partner's own) or <c>https://graph.microsoft.com/.default</c> in one of the partner's customer tenants
/// (GDAP). Errors are Entra's <c>{error, error_description: "AADSTS…: …", error_codes}</c>.
/// </summary>
internal static class MicrosoftEntra
{
    private const string GraphResource = "https://graph.microsoft.com";
    private const string PartnerCenterResource = "https://api.partnercenter.microsoft.com";
    private static readonly string[] AuthMethods = ["client_secret_post", "client_secret_basic", "private_key_jwt"];

    public static void MapEntra(this IEndpointRouteBuilder group)
    {
        group.MapPost("/{tenant}/oauth2/v2.0/token", TokenAsync).DisableAntiforgery();
        group.MapGet(
            "/{tenant}/v2.0/.well-known/openid-configuration",
            (HttpContext http, string tenant) =>
            {
                var root = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}";
                var authority = $"{root}{http.Request.Path.Value![..http.Request.Path.Value!.IndexOf("/v2.0/", StringComparison.Ordinal)]}";
                return Results.Json(
                    new Dictionary<string, object>
                    {
                        ["token_endpoint"] = authority + "/oauth2/v2.0/token",
                        ["issuer"] = authority + "/v2.0",
                        ["authorization_endpoint"] = authority + "/oauth2/v2.0/authorize",
                        ["token_endpoint_auth_methods_supported"] = AuthMethods,
                        ["tenant_region_scope"] = "WW",
                    }
                );
            }
        );
    }

    public static async Task<IResult> TokenAsync(
        HttpContext http,
        string tenant,
        IOptions<SandboxOptions> options,
        SandboxTokens tokens,
        SandboxStore store,
        CancellationToken ct
    )
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        var grantType = form?["grant_type"].ToString();
        if (form is null || grantType is not ("client_credentials" or "refresh_token"))
        {
            return Error(400, "unsupported_grant_type", 70003, "The app requested an unsupported grant type.");
        }

        var clientId = form["client_id"].ToString();
        var partner = SandboxAuth.PartnerFromSecret(clientId);
        if (partner is null)
        {
            return Error(
                400,
                "unauthorized_client",
                700016,
                $"Application with identifier '{clientId}' was not found in the directory '{tenant}'."
            );
        }

        if (ClientRefusal(http, form, clientId, partner, options.Value, tokens) is { } refused)
        {
            return refused;
        }

        if (grantType == "refresh_token")
        {
            return EntraUserTokens.Refresh(form, tenant, clientId, partner, options.Value, tokens);
        }

        var scope = form["scope"]
            .ToString()
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .FirstOrDefault(s => s.EndsWith("/.default", StringComparison.Ordinal));
        var resource = scope?[..^"/.default".Length];
        string audience;
        string? tokenTenant = null;
        if (resource == PartnerCenterResource)
        {
            audience = "partnercenter";
        }
        else if (resource == GraphResource)
        {
            if (await store.GetAsync<MicrosoftCustomerState>(partner, SandboxKinds.MicrosoftCustomer, tenant, ct) is null)
            {
                return Error(
                    400,
                    "invalid_request",
                    90002,
                    $"Tenant '{tenant}' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud."
                );
            }

            audience = "graph";
            tokenTenant = tenant;
        }
        else
        {
            return Error(
                400,
                "invalid_scope",
                1002012,
                $"The provided value for scope {form["scope"]} is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI)."
            );
        }

        var (token, expiresIn) = tokens.Issue(new SandboxTokenGrant(audience, partner, tokenTenant));
        return Results.Json(
            new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["expires_in"] = expiresIn,
                ["ext_expires_in"] = expiresIn,
                ["access_token"] = token,
            }
        );
    }

    /// <summary>
    /// The app's proof: a <c>client_assertion</c> JWT signed by its configured certificate
    /// (<see cref="EntraClientAssertion"/>), else its <c>client_secret</c>. Null when it proves the client.
    /// </summary>
    private static IResult? ClientRefusal(
        HttpContext http,
        IFormCollection form,
        string clientId,
        string partner,
        SandboxOptions options,
        SandboxTokens tokens
    )
    {
        var assertion = form["client_assertion"].ToString();
        if (!string.IsNullOrEmpty(assertion))
        {
            if (form["client_assertion_type"].ToString() != EntraClientAssertion.AssertionType)
            {
                return Error(
                    400,
                    "invalid_request",
                    50027,
                    "Invalid client_assertion_type: expected " + EntraClientAssertion.AssertionType + "."
                );
            }

            var endpoint = $"{http.Request.Scheme}://{http.Request.Host}{http.Request.PathBase}{http.Request.Path}";
            options.MicrosoftClientCertificates.TryGetValue(clientId, out var certificate);
            return EntraClientAssertion.Check(assertion, clientId, certificate, endpoint, tokens.UtcNow) is { } refusal
                ? Error(401, "invalid_client", refusal.Code, refusal.Description)
                : null;
        }

        var given = form["client_secret"].ToString();
        if (string.IsNullOrEmpty(given))
        {
            return Error(
                401,
                "invalid_client",
                7000216,
                "'client_assertion', 'client_secret' or 'request' is required for the 'client_credentials' grant type."
            );
        }

        var expected = ClientSecret(options.Secret ?? "", partner);
        return CryptographicOperations.FixedTimeEquals(
            SHA256.HashData(Encoding.UTF8.GetBytes(given)),
            SHA256.HashData(Encoding.UTF8.GetBytes(expected))
        )
            ? null
            : Error(
                401,
                "invalid_client",
                7000215,
                "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID."
            );
    }

    /// <summary>The client secret of a sandbox partner's app (the host derives the same value).</summary>
    public static string ClientSecret(string sharedSecret, string partner) =>
        "sbxcs_"
        + SandboxTokens.Base64Url(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes("microsoft-client-secret:" + partner))
        );

    internal static IResult Error(int status, string error, int code, string description) =>
        Results.Json(
            new Dictionary<string, object>
            {
                ["error"] = error,
                ["error_description"] = $"AADSTS{code}: {description}",
                ["error_codes"] = new[] { code },
            },
            statusCode: status
        );
}
