using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;

namespace Peeker.Activities.Provisioning;

/// <summary>Registers what the provisioning activities need besides the provider clients and stores.</summary>
public static class ProvisioningServiceCollectionExtensions
{
    /// <summary>Binds <see cref="ProvisioningOptions"/> (validated at startup) and the inbox password derivation.</summary>
    public static IServiceCollection AddPeekerProvisioning(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<ProvisioningOptions>()
            .Bind(configuration.GetSection(ProvisioningOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddSingleton<InboxPasswords>();
        services.AddSingleton<MailboxOAuth>();
        // CreateInbox bounds each fetch itself (size and time), headers and body together.
        services
            .AddHttpClient(CreateInbox.PictureClientName, client => client.Timeout = Timeout.InfiniteTimeSpan)
            .ConfigurePrimaryHttpMessageHandler(() => OutboundHttpGuard.CreateHandler());
        return services;
    }
}
