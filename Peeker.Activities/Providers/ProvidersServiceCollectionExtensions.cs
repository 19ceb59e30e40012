using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Registrar;
using Peeker.Activities.Smartlead;

namespace Peeker.Activities.Providers;

/// <summary>Registers the provider clients: one resilient named HttpClient and one factory per provider.</summary>
public static class ProvidersServiceCollectionExtensions
{
    /// <summary>
    /// Adds <see cref="IRegistrarClientFactory"/>, <see cref="ICloudflareClientFactory"/>,
    /// <see cref="IGoogleWorkspaceClientFactory"/>, <see cref="IMicrosoftClientFactory"/> and
    /// <see cref="ISmartleadClientFactory"/>, with options validated at startup.
    /// </summary>
    public static IServiceCollection AddPeekerProviders(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton<ProviderPacer>();
        Bind<SandboxProviderOptions>(services, configuration, SandboxProviderOptions.SectionName);
        Bind<ProviderRetryOptions>(services, configuration, ProviderRetryOptions.SectionName);
        Bind<RegistrarOptions>(services, configuration, RegistrarOptions.SectionName);
        Bind<CloudflareOptions>(services, configuration, CloudflareOptions.SectionName);
        Bind<GoogleWorkspaceOptions>(services, configuration, GoogleWorkspaceOptions.SectionName);
        Bind<MicrosoftOptions>(services, configuration, MicrosoftOptions.SectionName);
        Bind<SmartleadOptions>(services, configuration, SmartleadOptions.SectionName);

        foreach (
            var name in new[]
            {
                ProviderNames.Registrar,
                ProviderNames.Cloudflare,
                ProviderNames.Google,
                ProviderNames.Microsoft,
                ProviderNames.Smartlead,
            }
        )
        {
            // The pipeline bounds each attempt (AttemptTimeout) and the number of attempts; HttpClient's own 100 s
            // overall timeout would cut a legitimate Retry-After wait short with an unmapped cancellation.
            services
                .AddHttpClient(name, client => client.Timeout = Timeout.InfiniteTimeSpan)
                .AddProviderResilience()
                .AddHttpMessageHandler(() => new ProviderTelemetryHandler(name));

            // Sandbox calls get their own client so the simulators' secret can never reach a live provider.
            services
                .AddHttpClient(SandboxCredentials.ClientName(name), client => client.Timeout = Timeout.InfiniteTimeSpan)
                .AddProviderResilience()
                .AddHttpMessageHandler(() => new ProviderTelemetryHandler(name))
                .AddHttpMessageHandler(sp => new SandboxSecretHandler(sp.GetRequiredService<IOptions<SandboxProviderOptions>>().Value));
        }

        services.TryAddSingleton<IRegistrarClientFactory, NamecheapRegistrarClientFactory>();
        services.TryAddSingleton<ICloudflareClientFactory, CloudflareClientFactory>();
        services.TryAddSingleton<GoogleWorkspaceClientFactory>();
        services.TryAddSingleton<IGoogleWorkspaceClientFactory>(sp => sp.GetRequiredService<GoogleWorkspaceClientFactory>());
        services.TryAddSingleton<MicrosoftClientFactory>();
        services.TryAddSingleton<IMicrosoftClientFactory>(sp => sp.GetRequiredService<MicrosoftClientFactory>());
        services.TryAddSingleton<ISmartleadClientFactory, SmartleadClientFactory>();
        services.TryAddSingleton<ISequencerClients, SmartleadSequencerClients>();

        // Readiness asks each live provider whether it still accepts Peeker's credentials.
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IProviderSignIn, GoogleWorkspaceClientFactory>(sp =>
                sp.GetRequiredService<GoogleWorkspaceClientFactory>()
            )
        );
        services.TryAddEnumerable(
            ServiceDescriptor.Singleton<IProviderSignIn, MicrosoftClientFactory>(sp => sp.GetRequiredService<MicrosoftClientFactory>())
        );
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IProviderSignIn, SmartleadSignIn>());
        return services;
    }

    private static void Bind<TOptions>(IServiceCollection services, IConfiguration configuration, string section)
        where TOptions : class =>
        services.AddOptions<TOptions>().Bind(configuration.GetSection(section)).ValidateDataAnnotations().ValidateOnStart();
}
