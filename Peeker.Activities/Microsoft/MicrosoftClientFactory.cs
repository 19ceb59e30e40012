using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// Live scope: Azure.Identity with the configured app (secret or certificate); Partner Center as app+user through MSAL
/// when <c>Providers:Microsoft:PartnerCenter:RefreshToken</c> is set (<see cref="PartnerCenterUserCredential"/>). Test scope: the simulator, signed in as
/// the partner's sandbox app (<see cref="SandboxIdentity.MicrosoftClientId"/> with its derived secret) at the
/// simulator's token endpoint. One token source per identity for the process, so tokens are cached across calls.
/// </summary>
internal sealed class MicrosoftClientFactory(
    IHttpMessageHandlerFactory handlers,
    IOptions<MicrosoftOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    TimeProvider time,
    ILoggerFactory loggers
) : IMicrosoftClientFactory, IProviderSignIn
{
    private readonly ConcurrentDictionary<string, IAccessTokenSource> _sources = new(StringComparer.Ordinal);

    public IMicrosoftClient Create(ProviderScope scope)
    {
        var clientName = SandboxCredentials.ClientNameFor(scope, sandbox.Value, ProviderNames.Microsoft);
        MicrosoftSettings settings;
        IAccessTokenSource tokens;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            settings = new MicrosoftSettings(
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Microsoft, "/partnercenter/v1"),
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Microsoft, "/graph/v1.0")
            );
            var authority = SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Microsoft, "");
            var defaults = new MicrosoftOptions();
            tokens = _sources.GetOrAdd(
                "test:" + authority + ":" + scope.PartnerId,
                _ => new MicrosoftTokenSource(
                    new SandboxClientSecretCredential(
                        new HttpClient(handlers.CreateHandler(clientName), disposeHandler: false) { Timeout = Timeout.InfiniteTimeSpan },
                        authority,
                        SandboxIdentity.MicrosoftPartnerTenant,
                        SandboxIdentity.MicrosoftClientId(scope.PartnerId),
                        SandboxIdentity.MicrosoftClientSecret(sandbox.Value.Secret!, scope.PartnerId),
                        time
                    ),
                    defaults.PartnerCenterScope,
                    defaults.GraphScope,
                    time
                )
            );
        }
        else
        {
            var o = live.Value;
            if (!o.Enabled)
            {
                throw new ProviderException(
                    ProviderNames.Microsoft,
                    "not_configured",
                    "Live Microsoft calls are not enabled (Providers:Microsoft:Enabled).",
                    isRetryable: false
                );
            }

            settings = new MicrosoftSettings(o.PartnerCenterBaseUrl.TrimEnd('/'), o.GraphBaseUrl.TrimEnd('/'));
            tokens = LiveTokens();
        }

        return new MicrosoftClient(
            BearerTokenHandler.Client(handlers, clientName, tokens),
            settings,
            loggers.CreateLogger<MicrosoftClient>()
        );
    }

    public string Provider => ProviderNames.Microsoft;

    public bool IsLiveEnabled => live.Value.Enabled;

    /// <summary>Asks for the app's Partner Center token in the partner tenant (cached while fresh).</summary>
    public async Task VerifyAsync(CancellationToken cancellationToken) =>
        await LiveTokens().GetTokenAsync(new TokenTarget(MicrosoftResources.PartnerCenter), cancellationToken);

    private IAccessTokenSource LiveTokens() =>
        _sources.GetOrAdd(
            "live",
            _ =>
            {
                var o = live.Value;
                var appUser = !string.IsNullOrEmpty(o.PartnerCenter.RefreshToken);
                return new MicrosoftTokenSource(
                    MicrosoftTokenSource.CreateCredential(
                        o,
                        new HttpClient(handlers.CreateHandler(ProviderNames.Microsoft), disposeHandler: false)
                    ),
                    appUser ? o.PartnerCenter.Scope : o.PartnerCenterScope,
                    o.GraphScope,
                    time,
                    appUser
                        ? new PartnerCenterUserCredential(
                            o,
                            new HttpClient(handlers.CreateHandler(ProviderNames.Microsoft), disposeHandler: false)
                        )
                        : null
                );
            }
        );
}
