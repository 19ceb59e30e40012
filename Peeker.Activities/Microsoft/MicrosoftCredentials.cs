using System.Collections.Concurrent;
using System.Security.Cryptography.X509Certificates;
using System.Text.RegularExpressions;
using Azure.Core;
using Azure.Core.Pipeline;
using Azure.Identity;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Microsoft;

/// <summary>The resources Peeker's Microsoft client calls, as <see cref="TokenTarget.Resource"/> names.</summary>
internal static class MicrosoftResources
{
    public const string PartnerCenter = "partnercenter";
    public const string Graph = "graph";
}

/// <summary>
/// Microsoft Entra tokens from an Azure.Identity <see cref="TokenCredential"/> (client secret or certificate of Peeker's
/// multi-tenant app): Partner Center in the partner's tenant, Graph in each customer's tenant (GDAP: the same app,
/// asked for a token of the customer tenant). Tokens are kept per scope and tenant until five minutes before they
/// expire, by the injected clock; the credential's own MSAL cache sits behind this one. With
/// <paramref name="partnerCenterUser"/> (Partner Center's app+user flow) Partner Center tokens come from it instead.
/// </summary>
internal sealed partial class MicrosoftTokenSource(
    TokenCredential credential,
    string partnerCenterScope,
    string graphScope,
    TimeProvider time,
    TokenCredential? partnerCenterUser = null
) : IAccessTokenSource
{
    /// <summary>How long before its expiry a cached token is replaced.</summary>
    public static readonly TimeSpan RefreshMargin = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<(string Scope, string? Tenant), AccessToken> _tokens = new();

    public async ValueTask<string> GetTokenAsync(TokenTarget target, CancellationToken cancellationToken)
    {
        var scope = target.Resource == MicrosoftResources.Graph ? graphScope : partnerCenterScope;
        var key = (scope, target.Tenant);
        if (_tokens.TryGetValue(key, out var cached) && cached.ExpiresOn - RefreshMargin > time.GetUtcNow())
        {
            return cached.Token;
        }

        AccessToken token;
        try
        {
            // Partner Center with an admin's consent: the app+user token (its scope is the delegated one).
            token =
                target.Resource != MicrosoftResources.Graph && partnerCenterUser is not null
                    ? await partnerCenterUser.GetTokenAsync(new TokenRequestContext([scope]), cancellationToken)
                    : await credential.GetTokenAsync(new TokenRequestContext([scope], tenantId: target.Tenant), cancellationToken);
        }
        catch (AuthenticationFailedException ex)
        {
            throw ToException(ex);
        }
        catch (Azure.RequestFailedException ex)
        {
            throw new ProviderException(
                ProviderNames.Microsoft,
                "network_error",
                "Microsoft's token endpoint could not be reached.",
                isRetryable: true,
                statusCode: ex.Status == 0 ? null : ex.Status,
                innerException: ex
            );
        }

        _tokens[key] = token;
        return token.Token;
    }

    /// <summary>
    /// A refused sign-in keeps its Entra error code (<c>AADSTS7000215</c> invalid secret, <c>AADSTS700016</c> unknown
    /// app, <c>AADSTS90002</c> unknown tenant…) and is not retryable; throttling and Entra outages are.
    /// </summary>
    internal static ProviderException ToException(AuthenticationFailedException ex)
    {
        var text = ex.Message + " " + ex.InnerException?.Message;
        var code = AadstsCode().Match(text) is { Success: true } m ? m.Value : "auth_failed";
        var status = (ex.InnerException as global::Microsoft.Identity.Client.MsalServiceException)?.StatusCode;
        var retryable =
            status is 429 or 408 or >= 500 || ex.InnerException is HttpRequestException or Azure.RequestFailedException { Status: 0 };
        return new ProviderException(
            ProviderNames.Microsoft,
            code,
            "Microsoft Entra refused Peeker's app credentials.",
            retryable,
            statusCode: status is > 0 ? status : null,
            innerException: ex
        );
    }

    /// <summary>
    /// The live credential: a certificate when <see cref="MicrosoftOptions.CertificatePath"/> is set, else the client
    /// secret; <see cref="MicrosoftOptions.AuthorityHost"/> as authority, no instance discovery (the authority is
    /// trusted as configured), any tenant allowed (Graph tokens are asked for in customer tenants).
    /// </summary>
    public static TokenCredential CreateCredential(MicrosoftOptions o, HttpClient transport)
    {
        var authority = new Uri(o.AuthorityHost);
        var pipeline = new HttpClientTransport(transport);
        if (!string.IsNullOrEmpty(o.CertificatePath))
        {
            var certificate = X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath, o.CertificatePassword);
            return new ClientCertificateCredential(
                o.TenantId,
                o.ClientId,
                certificate,
                new ClientCertificateCredentialOptions
                {
                    AuthorityHost = authority,
                    DisableInstanceDiscovery = true,
                    AdditionallyAllowedTenants = { "*" },
                    Transport = pipeline,
                }
            );
        }

        return new ClientSecretCredential(
            o.TenantId,
            o.ClientId,
            o.ClientSecret,
            new ClientSecretCredentialOptions
            {
                AuthorityHost = authority,
                DisableInstanceDiscovery = true,
                AdditionallyAllowedTenants = { "*" },
                Transport = pipeline,
            }
        );
    }

    [GeneratedRegex("AADSTS[0-9]+")]
    private static partial Regex AadstsCode();
}
