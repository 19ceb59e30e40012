using Peeker.Activities.Imports;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Durable.AzureStorage;
using Peeker.Durable.Backend;
using Peeker.Durable.Hosting;
using Peeker.Durable.InMemory;
using Peeker.Durable.Runtime;
using Peeker.Functions.Orchestrations;
using Peeker.Functions.Webhooks;

namespace Peeker.Functions.Hosting;

/// <summary>Registers the durable engine with every orchestrator and activity of the host.</summary>
public static class EngineComposition
{
    /// <summary>Configuration key choosing the backend: <c>AzureStorage</c> (default, on <c>AzureWebJobsStorage</c>) or <c>InMemory</c>.</summary>
    public const string BackendKey = "Peeker:Durable:Backend";

    /// <summary>Adds the engine, bound to host.json <c>extensions.durableTask</c> and validated at startup.</summary>
    public static IServiceCollection AddPeekerEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableTaskOptions>()
            .Bind(configuration.GetSection(DurableTaskOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddPeekerDurable(RegisterTasks, CreateBackend);
        services.AddPeekerProvisioning(configuration);
        services.AddSingleton<IOrderWorkflows, DurableOrderWorkflows>();
        return services;
    }

    // Chosen when first resolved, so configuration added late (tests, environment) is honoured.
    private static IOrchestrationBackend CreateBackend(IServiceProvider services)
    {
        var configuration = services.GetRequiredService<IConfiguration>();
        var backend = configuration[BackendKey] ?? "AzureStorage";
        return backend.ToUpperInvariant() switch
        {
            "INMEMORY" => new InMemoryOrchestrationBackend(services.GetRequiredService<TimeProvider>(), services.GetRequiredService<DataConverter>()),
            "AZURESTORAGE" => AzureStorageServiceCollectionExtensions.Backend(configuration["AzureWebJobsStorage"]
                ?? throw new InvalidOperationException("AzureWebJobsStorage is not configured: the durable engine keeps its hub there."))(services),
            _ => throw new InvalidOperationException($"{BackendKey} must be AzureStorage or InMemory, not '{backend}'."),
        };
    }

    /// <summary>Every orchestrator and activity the host runs (names are persisted contracts).</summary>
    public static void RegisterTasks(DurableTaskRegistry registry) => registry
        .AddOrchestrator<ProvisionOrderOrchestrator>()
        .AddOrchestrator<ProvisionDomainOrchestrator>()
        .AddOrchestrator<CancelOrderOrchestrator>()
        .AddOrchestrator<ForwardingJobOrchestrator>()
        .AddOrchestrator<ImportDomainsOrchestrator>()
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
        .AddActivity<AwaitProvisioning>()
        .AddActivity<DeleteInboxes>()
        .AddActivity<RevokeLicenses>()
        .AddActivity<DeleteZone>()
        .AddActivity<ReleaseDomains>()
        .AddActivity<LoadForwardingJob>()
        .AddActivity<CheckForwardingTarget>()
        .AddActivity<ApplyForwarding>()
        .AddActivity<RecordForwardingResult>()
        .AddActivity<FinishForwardingJob>()
        .AddActivity<LoadDomainImport>()
        .AddActivity<CreateImportZone>()
        .AddActivity<CheckImportZones>()
        .AddActivity<FinishDomainImport>()
        .AddActivity<PublishImportEvent>()
        .AddWebhookTasks();
}
