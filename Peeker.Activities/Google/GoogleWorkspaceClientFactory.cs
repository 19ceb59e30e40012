using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Google;

/// <summary>
/// Live scope: the configured service account, impersonating the reseller admin. Test scope: the simulator, signed in
/// with the sandbox service account key impersonating <see cref="SandboxIdentity.GoogleAdminUser"/> at the simulator's
/// token endpoint. One token source per identity for the process, so the library's token cache is shared by all calls.
/// </summary>
internal sealed class GoogleWorkspaceClientFactory(
    IHttpMessageHandlerFactory handlers,
    IOptions<GoogleWorkspaceOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    TimeProvider time,
    ILoggerFactory loggers
) : IGoogleWorkspaceClientFactory, IProviderSignIn
{
    private readonly ConcurrentDictionary<string, IAccessTokenSource> _sources = new(StringComparer.Ordinal);

    public IGoogleWorkspaceClient Create(ProviderScope scope)
    {
        var clientName = SandboxCredentials.ClientNameFor(scope, sandbox.Value, ProviderNames.Google);
        GoogleSettings settings;
        IAccessTokenSource tokens;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            string Url(string path) => SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Google, path);
            settings = new GoogleSettings(Url("/apps/reseller/v1"), Url("/admin/directory/v1"), Url("/siteVerification/v1"));
            var tokenUri = Url("/token");
            tokens = _sources.GetOrAdd(
                "test:" + tokenUri + ":" + scope.PartnerId,
                _ =>
                {
                    var key =
                        GoogleServiceAccountKey.Load(sandbox.Value.GoogleServiceAccountKey)
                        ?? throw new ProviderException(
                            ProviderNames.Google,
                            "not_configured",
                            "Sandbox Google calls need Providers:Sandbox:GoogleServiceAccountKey.",
                            isRetryable: false
                        );
                    return GoogleTokenSource.Create(
                        key,
                        tokenUri,
                        SandboxIdentity.GoogleAdminUser(scope.PartnerId),
                        GoogleScopes.All,
                        time,
                        handlers.CreateHandler(clientName)
                    );
                }
            );
        }
        else
        {
            var o = live.Value;
            if (!o.Enabled)
            {
                throw new ProviderException(
                    ProviderNames.Google,
                    "not_configured",
                    "Live Google calls are not enabled (Providers:Google:Enabled).",
                    isRetryable: false
                );
            }

            settings = new GoogleSettings(
                o.ResellerBaseUrl.TrimEnd('/'),
                o.DirectoryBaseUrl.TrimEnd('/'),
                o.SiteVerificationBaseUrl.TrimEnd('/')
            );
            tokens = LiveTokens();
        }

        return new GoogleWorkspaceClient(
            BearerTokenHandler.Client(handlers, clientName, tokens),
            settings,
            loggers.CreateLogger<GoogleWorkspaceClient>()
        );
    }

    public string Provider => ProviderNames.Google;

    public bool IsLiveEnabled => live.Value.Enabled;

    /// <summary>Asks for the reseller admin's token (the library answers from its cache while the token is fresh).</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken) =>
        await LiveTokens().GetTokenAsync(TokenTarget.Default, cancellationToken);

    private IAccessTokenSource LiveTokens() =>
        _sources.GetOrAdd(
            "live",
            _ =>
            {
                var o = live.Value;
                var key =
                    GoogleServiceAccountKey.Load(o.ServiceAccountKey)
                    ?? throw new ProviderException(
                        ProviderNames.Google,
                        "not_configured",
                        "Providers:Google:ServiceAccountKey is not a usable service account key.",
                        isRetryable: false
                    );
                return GoogleTokenSource.Create(
                    key,
                    key.TokenUri,
                    o.AdminUser!,
                    o.EffectiveScopes,
                    time,
                    handlers.CreateHandler(ProviderNames.Google)
                );
            }
        );
}
