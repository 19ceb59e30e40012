using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Registrar;

/// <summary>Live scope: the configured Namecheap account. Test scope: the registrar simulator, ApiUser = partner id.</summary>
internal sealed class NamecheapRegistrarClientFactory(
    IHttpClientFactory httpClients,
    IOptions<RegistrarOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    IOptions<ProviderRetryOptions> retry,
    TimeProvider time,
    ILoggerFactory loggers
) : IRegistrarClientFactory
{
    public IRegistrarClient Create(ProviderScope scope)
    {
        NamecheapSettings settings;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            settings = new NamecheapSettings(
                new Uri(SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Registrar, "/xml.response")),
                scope.PartnerId,
                SandboxCredentials.SecretFor(scope.PartnerId),
                scope.PartnerId,
                "127.0.0.1"
            );
        }
        else
        {
            var o = live.Value;
            if (!o.Enabled || o.ApiUser is null || o.ApiKey is null || o.ClientIp is null)
            {
                throw new ProviderException(
                    ProviderNames.Registrar,
                    "not_configured",
                    "Live registrar calls are not enabled (Providers:Registrar:Enabled).",
                    isRetryable: false
                );
            }

            settings = new NamecheapSettings(
                new Uri(o.BaseUrl.TrimEnd('/') + "/xml.response"),
                o.ApiUser,
                o.ApiKey,
                o.UserName ?? o.ApiUser,
                o.ClientIp
            );
        }

        return new NamecheapRegistrarClient(
            SandboxCredentials.HttpClientFor(httpClients, scope, sandbox.Value, ProviderNames.Registrar),
            settings,
            retry.Value,
            new PurchaseConfirmation(live.Value.PurchaseConfirmPolls, live.Value.PurchaseConfirmInterval, time),
            loggers.CreateLogger<NamecheapRegistrarClient>()
        );
    }
}
