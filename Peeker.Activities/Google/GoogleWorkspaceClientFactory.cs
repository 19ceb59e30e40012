using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Google;

/// <summary>Live scope: the configured reseller token. Test scope: the simulator with token <c>sbx_{partner}</c>.</summary>
internal sealed class GoogleWorkspaceClientFactory(
    IHttpClientFactory httpClients,
    IOptions<GoogleWorkspaceOptions> live,
    IOptions<SandboxProviderOptions> sandbox,
    ILoggerFactory loggers) : IGoogleWorkspaceClientFactory
{
    public IGoogleWorkspaceClient Create(ProviderScope scope)
    {
        GoogleSettings settings;
        if (scope.Environment == PeekerEnvironment.Test)
        {
            string Url(string path) => SandboxCredentials.BaseUrl(sandbox.Value, ProviderNames.Google, path);
            settings = new GoogleSettings(Url("/apps/reseller/v1"), Url("/admin/directory/v1"), Url("/siteVerification/v1"), SandboxCredentials.SecretFor(scope.PartnerId));
        }
        else
        {
            var o = live.Value;
            if (!o.Enabled || o.AccessToken is null)
            {
                throw new ProviderException(ProviderNames.Google, "not_configured", "Live Google calls are not enabled (Providers:Google:Enabled).", isRetryable: false);
            }

            settings = new GoogleSettings(o.ResellerBaseUrl.TrimEnd('/'), o.DirectoryBaseUrl.TrimEnd('/'), o.SiteVerificationBaseUrl.TrimEnd('/'), o.AccessToken);
        }

        return new GoogleWorkspaceClient(SandboxCredentials.HttpClientFor(httpClients, scope, sandbox.Value, ProviderNames.Google), settings, loggers.CreateLogger<GoogleWorkspaceClient>());
    }
}
