using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Smartlead;

/// <summary>Live scope: the given or configured key. Test scope: the simulator with key <c>sbx_{partner}</c>.</summary>
internal sealed class SmartleadClientFactory(
    IHttpClientFactory httpClients,
    IOptions<SmartleadOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    ILoggerFactory loggers
) : ISmartleadClientFactory
{
    public ISmartleadClient Create(ProviderScope scope, string? apiKey = null)
    {
        SmartleadSettings settings;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            settings = new SmartleadSettings(
                SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Smartlead, "/api/v1"),
                SandboxCredentials.SecretFor(scope.PartnerId)
            );
        }
        else
        {
            var key = apiKey ?? live.Value.ApiKey;
            if (!live.Value.Enabled || string.IsNullOrEmpty(key))
            {
                throw new ProviderException(
                    ProviderNames.Smartlead,
                    "not_configured",
                    "Live Smartlead calls are not enabled or no API key was given.",
                    isRetryable: false
                );
            }

            settings = new SmartleadSettings(live.Value.BaseUrl, key);
        }

        return new SmartleadClient(
            SandboxCredentials.HttpClientFor(httpClients, scope, sandbox.Value, ProviderNames.Smartlead),
            settings,
            ProviderBudget.For(ProviderNames.Smartlead, settings.ApiKey, live.Value.RequestsPerMinute, TimeSpan.FromMinutes(1)),
            loggers.CreateLogger<SmartleadClient>()
        );
    }
}
