using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace Peeker.Activities.Provisioning;

/// <summary>Registers what the provisioning activities need besides the provider clients and stores.</summary>
public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ProvisioningOptions"/> (validated at startup) and the inbox password derivation.</summary>
    public static IServiceCollection AddPeekerProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<ProvisioningOptions>()
            .Bind(configuration.GetSection(ProvisioningOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<InboxPasswords>();
        services.AddSingleton<MailboxOAuth>();
        services.AddHttpClient("profile-pictures").ConfigurePrimaryHttpMessageHandler(() => new HttpClientHandler { AllowAutoRedirect = false });
        return services;
    }
}
