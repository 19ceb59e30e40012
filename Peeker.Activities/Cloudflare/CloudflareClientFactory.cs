using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Cloudflare;

/// <summary>Live scope: the configured account. Test scope: the simulator, token <c>sbx_{partner}</c>, account id = partner id.</summary>
internal sealed class CloudflareClientFactory(
    IHttpClientFactory httpClients,
    IOptions<CloudflareOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    ILoggerFactory loggers
) : ICloudflareClientFactory
{
    public ICloudflareClient Create(ProviderScope scope)
    {
        CloudflareSettings settings;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            settings = new CloudflareSettings(
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Cloudflare, "/client/v4"),
                SandboxCredentials.SecretFor(scope.PartnerId),
                scope.PartnerId
            );
        }
        else
        {
            var o = live.Value;
            if (!o.Enabled || o.ApiToken is null || o.AccountId is null)
            {
                throw new ProviderException(
                    ProviderNames.Cloudflare,
                    "not_configured",
                    "Live Cloudflare calls are not enabled (Providers:Cloudflare:Enabled).",
                    isRetryable: false
                );
            }

            settings = new CloudflareSettings(o.BaseUrl, o.ApiToken, o.AccountId);
        }

        return new CloudflareClient(
            SandboxCredentials.HttpClientFor(httpClients, scope, sandbox.Value, ProviderNames.Cloudflare),
            settings,
            ProviderBudget.For(ProviderNames.Cloudflare, settings.ApiToken, live.Value.RequestsPer5Minutes, TimeSpan.FromMinutes(5)),
            loggers.CreateLogger<CloudflareClient>()
        );
    }
}
