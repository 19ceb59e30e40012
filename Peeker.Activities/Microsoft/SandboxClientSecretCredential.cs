using System.Net.Http.Json;
using System.Text.Json.Serialization;
using Azure.Core;
using Azure.Identity;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// The sandbox's client-credentials sign-in: the same <c>POST {authority}/{tenant}/oauth2/v2.0/token</c> request
/// (<c>grant_type=client_credentials</c>, <c>client_id</c>, <c>client_secret</c>, <c>scope</c>) that Azure.Identity
/// sends, over the sandbox's named client. It exists because Azure.Identity refuses an authority that is not https and
/// the host's own simulators listen on plain http; live calls always use Azure.Identity
/// (<see cref="MicrosoftTokenSource.CreateCredential"/>), and the tests run Azure.Identity against the simulators over TLS.
/// </summary>
internal sealed class SandboxClientSecretCredential(
    HttpClient http,
    string authority,
    string tenantId,
    string clientId,
    string clientSecret,
    TimeProvider time
) : TokenCredential
{
    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        var tenant = requestContext.TenantId ?? tenantId;
        using var form = new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = clientId,
                ["client_secret"] = clientSecret,
                ["scope"] = string.Join(' ', requestContext.Scopes),
            }
        );
        using var response = await http.PostAsync(
            $"{authority.TrimEnd('/')}/{Uri.EscapeDataString(tenant)}/oauth2/v2.0/token",
            form,
            cancellationToken
        );
        var body = await response.Content.ReadFromJsonAsync<TokenBody>(cancellationToken);
        if (!response.IsSuccessStatusCode || body?.AccessToken is null)
        {
            // The same exception Azure.Identity raises, so the error mapping is one path for live and sandbox.
            throw new AuthenticationFailedException(
                $"ClientSecretCredential authentication failed: {body?.ErrorDescription ?? response.StatusCode.ToString()}"
            );
        }

        return new AccessToken(body.AccessToken, time.GetUtcNow().AddSeconds(body.ExpiresIn));
    }

    private sealed record TokenBody(
        [property: JsonPropertyName("access_token")] string? AccessToken,
        [property: JsonPropertyName("expires_in")] long ExpiresIn,
        [property: JsonPropertyName("error")] string? Error,
        [property: JsonPropertyName("error_description")] string? ErrorDescription
    );
}
