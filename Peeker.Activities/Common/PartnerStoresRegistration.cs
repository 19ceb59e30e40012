using Azure.Data.Tables;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Peeker.Activities.ApiKeys;
using Peeker.Activities.Bundles;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Partners;
using Peeker.Activities.Users;

namespace Peeker.Activities.Common;

/// <summary>DI registration of the partner-data stores and order services (Azure Tables via <c>AzureWebJobsStorage</c>).</summary>
public static class PartnerStoresRegistration
{
    /// <summary>
    /// Registers <see cref="PeekerOptions"/> (section <c>Peeker</c>, validated at start), the tables, every store,
    /// <see cref="OrderPlacement"/>/<see cref="OrderCancellation"/>, the encrypted <see cref="ISequencerCredentialStore"/>
    /// (the <see cref="IOrderWorkflows"/> seam is registered by the host's engine area).
    /// <see cref="Registrar.IRegistrarClientFactory"/> must come from the host.
    /// </summary>
    public static IServiceCollection AddPartnerStores(this IServiceCollection services)
    {
        services.AddOptions<PeekerOptions>().BindConfiguration(PeekerOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.TryAddSingleton(sp => new TableServiceClient(
            sp.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"]
                ?? throw new InvalidOperationException("AzureWebJobsStorage is not configured.")
        ));
        services.TryAddSingleton<PeekerTables>();
        services.TryAddSingleton<PartnerStore>();
        services.TryAddSingleton<ApiKeyStore>();
        services.TryAddSingleton<BundleStore>();
        services.TryAddSingleton<UserStore>();
        services.TryAddSingleton<DomainStore>();
        services.TryAddSingleton<AvailabilityMemoryCache>();
        services.TryAddSingleton<DomainAvailabilityService>();
        services.TryAddSingleton<OrderStore>();
        services.TryAddSingleton<OrderIdempotencyStore>();
        services.TryAddSingleton<PendingActionStore>();
        services.TryAddSingleton<OrderPlanner>();
        services.TryAddSingleton<OrderPlacement>();
        services.TryAddSingleton<Swaps.UserNameSwapPlacement>();
        services.TryAddSingleton<OrderCancellation>();
        services.TryAddSingleton<OrderRetry>();
        services.TryAddSingleton<PendingActionResolution>();
        services.TryAddSingleton<Forwarding.ForwardingJobStore>();
        services.TryAddSingleton<Forwarding.ForwardingJobs>();
        services.TryAddSingleton<Imports.DomainImportStore>();
        services.TryAddSingleton<Imports.ImportIdempotencyStore>();
        services.TryAddSingleton<Imports.DomainImports>();
        services
            .AddOptions<Swaps.SwapOptions>()
            .BindConfiguration(Swaps.SwapOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.TryAddSingleton<Swaps.SwapStore>();
        services.TryAddSingleton<Swaps.SwapRules>();
        services.TryAddSingleton<Swaps.SwapPlacement>();
        services.TryAddSingleton<ISequencerCredentialStore, SequencerCredentialStore>();
        return services;
    }
}
