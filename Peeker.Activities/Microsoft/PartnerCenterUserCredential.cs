using System.Security.Cryptography.X509Certificates;
using Azure.Core;
using Azure.Identity;
using Microsoft.Identity.Client;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// Partner Center's app+user tokens: Peeker's app (secret or certificate, as for app-only) signs in on behalf of the
/// partner's Partner Center admin with MSAL's <see cref="IByRefreshToken"/>, redeeming the refresh token the admin's one
/// consent produced (<c>Providers:Microsoft:PartnerCenter:RefreshToken</c>). MSAL keeps the account, its access token
/// and the rotated refresh token in its in-memory token cache, so later calls are silent and use the newest refresh
/// token; the configured one is redeemed again only when the cache has nothing usable. Failures surface as
/// <see cref="AuthenticationFailedException"/> so they map like every other Entra refusal. The refresh token is a
/// secret: it is never logged.
/// </summary>
internal sealed class PartnerCenterUserCredential : TokenCredential
{
    private readonly IConfidentialClientApplication _app;
    private readonly string _refreshToken;
    private volatile string? _accountId;

    public PartnerCenterUserCredential(MicrosoftOptions o, HttpClient transport)
    {
        var builder = ConfidentialClientApplicationBuilder
            .Create(o.ClientId)
            .WithAuthority($"{o.AuthorityHost.TrimEnd('/')}/{o.TenantId}", validateAuthority: false)
            .WithInstanceDiscovery(false)
            .WithHttpClientFactory(new Transport(transport))
            .WithLogging((_, _, _) => { }, LogLevel.Error, enablePiiLogging: false, enableDefaultPlatformLogging: false);
        builder = string.IsNullOrEmpty(o.CertificatePath)
            ? builder.WithClientSecret(o.ClientSecret)
            : builder.WithCertificate(X509CertificateLoader.LoadPkcs12FromFile(o.CertificatePath, o.CertificatePassword));
        _app = builder.Build();
        _refreshToken = o.PartnerCenter.RefreshToken!;
    }

    public override AccessToken GetToken(TokenRequestContext requestContext, CancellationToken cancellationToken) =>
        GetTokenAsync(requestContext, cancellationToken).AsTask().GetAwaiter().GetResult();

    public override async ValueTask<AccessToken> GetTokenAsync(TokenRequestContext requestContext, CancellationToken cancellationToken)
    {
        try
        {
            if (_accountId is { } id && await _app.GetAccountAsync(id) is { } account)
            {
                try
                {
                    var silent = await _app.AcquireTokenSilent(requestContext.Scopes, account).ExecuteAsync(cancellationToken);
                    return new AccessToken(silent.AccessToken, silent.ExpiresOn);
                }
                catch (MsalUiRequiredException)
                {
                    // The cached refresh token was refused or is gone: start again from the consented one.
                }
            }

            var result = await ((IByRefreshToken)_app)
                .AcquireTokenByRefreshToken(requestContext.Scopes, _refreshToken)
                .ExecuteAsync(cancellationToken);
            _accountId = result.Account?.HomeAccountId?.Identifier;
            return new AccessToken(result.AccessToken, result.ExpiresOn);
        }
        catch (MsalException ex)
        {
            throw new AuthenticationFailedException("Partner Center app+user sign-in failed: " + ex.Message, ex);
        }
    }

    /// <summary>MSAL's HTTP through the Microsoft named client (its handlers, its TLS settings).</summary>
    private sealed class Transport(HttpClient http) : IMsalHttpClientFactory
    {
        public HttpClient GetHttpClient() => http;
    }
}
