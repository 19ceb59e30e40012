using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Durable.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Functions.Webhooks;

namespace Peeker.Functions.Hosting;

/// <summary>Registers the durable engine with every orchestrator and activity of the host.</summary>
public static class EngineComposition
{
    /// <summary>Adds the engine, bound to host.json <c>extensions.durableTask</c> and validated at startup.</summary>
    public static IServiceCollection AddPeekerEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableTaskOptions>()
            .Bind(configuration.GetSection(DurableTaskOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddPeekerDurable(RegisterTasks);
        services.AddPeekerProvisioning(configuration);
        services.AddSingleton<IOrderWorkflows, DurableOrderWorkflows>();
        return services;
    }

    /// <summary>Every orchestrator and activity the host runs (names are persisted contracts).</summary>
    public static void RegisterTasks(DurableTaskRegistry registry) => registry
        .AddOrchestrator<ProvisionOrderOrchestrator>()
        .AddOrchestrator<ProvisionDomainOrchestrator>()
        .AddOrchestrator<CancelOrderOrchestrator>()
        .AddActivity<LoadOrderPlan>()
        .AddActivity<PublishOrderEvent>()
        .AddActivity<EnsureGoogleTenant>()
        .AddActivity<EnsureMicrosoftTenant>()
        .AddActivity<BuyDomain>()
        .AddActivity<CreateZone>()
        .AddActivity<SetNameservers>()
        .AddActivity<CheckZoneActive>()
        .AddActivity<WriteDnsRecords>()
        .AddActivity<VerifyDomain>()
        .AddActivity<CreateInbox>()
        .AddActivity<OpenPendingAction>()
        .AddActivity<RegisterSequencerAccount>()
        .AddActivity<SetForwarding>()
        .AddActivity<MarkDomainConnected>()
        .AddActivity<DeleteZone>()
        .AddActivity<ReleaseDomains>()
        .AddWebhookTasks();
}
