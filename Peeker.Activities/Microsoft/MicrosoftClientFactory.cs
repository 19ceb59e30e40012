using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// Live scope: the configured tokens. Test scope: the simulator; Partner Center token <c>sbx_{partner}</c> and Graph
/// token <c>sbx_{partner}~{tenantId}</c> (a real Graph token is also issued per tenant).
/// </summary>
internal sealed class MicrosoftClientFactory(
    IHttpClientFactory httpClients,
    IOptions<MicrosoftOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    ILoggerFactory loggers) : IMicrosoftClientFactory
{
    public IMicrosoftClient Create(ProviderScope scope)
    {
        MicrosoftSettings settings;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            var secret = SandboxCredentials.SecretFor(scope.PartnerId);
            settings = new MicrosoftSettings(
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Microsoft, "/partnercenter/v1"),
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Microsoft, "/graph/v1.0"),
                secret,
                tenant => secret + "~" + tenant);
        }
        else
        {
            var o = live.Value;
            if (!o.Enabled || o.PartnerCenterAccessToken is null || o.GraphAccessToken is null)
            {
                throw new ProviderException(ProviderNames.Microsoft, "not_configured", "Live Microsoft calls are not enabled (Providers:Microsoft:Enabled).", isRetryable: false);
            }

            var graphToken = o.GraphAccessToken;
            settings = new MicrosoftSettings(o.PartnerCenterBaseUrl.TrimEnd('/'), o.GraphBaseUrl.TrimEnd('/'), o.PartnerCenterAccessToken, _ => graphToken);
        }

        return new MicrosoftClient(SandboxCredentials.HttpClientFor(httpClients, scope, sandbox.Value, ProviderNames.Microsoft), settings, loggers.CreateLogger<MicrosoftClient>());
    }
}
