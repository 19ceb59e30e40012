using Microsoft.DurableTask;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Imports;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Retention;
using Peeker.Activities.Swaps;
using Peeker.Activities.Webhooks;
using Peeker.Durable.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Functions.Webhooks;

namespace Peeker.Functions.Hosting;

/// <summary>Registers the durable engine (DTFx on Azure Storage) with every orchestrator and activity of the host.</summary>
public static class EngineComposition
{
    /// <summary>
    /// Adds the engine, bound to host.json <c>extensions.durableTask</c> and validated at startup; whether the worker runs
    /// here follows the <see cref="DurableWorkerSwitch"/> registered before (the host's <c>worker</c> role), else it runs.
    /// </summary>
    public static IServiceCollection AddPeekerEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddPeekerDurable(configuration, RegisterTasks);
        services.AddPeekerProvisioning(configuration);
        services.AddSingleton<IOrderWorkflows, DurableOrderWorkflows>();
        services.AddSingleton<IWebhookDeliveries, DurableWebhookDeliveries>();
        services.AddSingleton<IUserNameSwapWorkflows, DurableUserNameSwapWorkflows>();
        services
            .AddOptions<HistoryRetentionOptions>()
            .BindConfiguration(HistoryRetentionOptions.SectionName)
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddHostedService<HistoryRetentionStarter>();
        return services;
    }

    /// <summary>Every orchestrator and activity the host runs, by feature (names are persisted contracts).</summary>
    public static void RegisterTasks(DurableTaskRegistry registry) =>
        registry
            .AddProvisioningTasks()
            .AddCancellationTasks()
            .AddForwardingTasks()
            .AddImportTasks()
            .AddSwapTasks()
            .AddUserNameSwapTasks()
            .AddWebhookTasks()
            .AddRetentionTasks();

    /// <summary>
    /// Order provisioning: <see cref="ProvisionOrderOrchestrator"/>, <see cref="ProvisionDomainOrchestrator"/> and their steps; the
    /// pending-action re-check loop (<see cref="PendingActionCheckOrchestrator"/>) and the renewal loop (<see cref="RenewOrderOrchestrator"/>).
    /// </summary>
    public static DurableTaskRegistry AddProvisioningTasks(this DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<ProvisionOrderOrchestrator>()
            .AddOrchestrator<ProvisionDomainOrchestrator>()
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
            .AddOrchestrator<PendingActionCheckOrchestrator>()
            .AddActivity<CheckPendingAction>()
            .AddOrchestrator<RenewOrderOrchestrator>()
            .AddActivity<RenewOrder>()
            .AddActivity<RegisterSequencerAccount>()
            .AddActivity<SetForwarding>()
            .AddActivity<MarkDomainConnected>();

    /// <summary>Cancellation: <see cref="CancelOrderOrchestrator"/> and its undo steps (it also uses the plan and event activities).</summary>
    public static DurableTaskRegistry AddCancellationTasks(this DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<CancelOrderOrchestrator>()
            .AddActivity<AwaitProvisioning>()
            .AddActivity<DeleteInboxes>()
            .AddActivity<DeleteSequencerAccounts>()
            .AddActivity<RevokeLicenses>()
            .AddActivity<DeleteZone>()
            .AddActivity<ReleaseDomains>();

    /// <summary>User-name swaps: <see cref="UserNameSwapOrchestrator"/> and its steps.</summary>
    public static DurableTaskRegistry AddUserNameSwapTasks(this DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<UserNameSwapOrchestrator>()
            .AddActivity<LoadUserNameSwap>()
            .AddActivity<RenameInbox>()
            .AddActivity<UpdateSequencerInbox>()
            .AddActivity<FinishUserNameSwap>();

    /// <summary>Forwarding jobs: <see cref="ForwardingJobOrchestrator"/> and its steps.</summary>
    public static DurableTaskRegistry AddForwardingTasks(this DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<ForwardingJobOrchestrator>()
            .AddActivity<LoadForwardingJob>()
            .AddActivity<CheckForwardingTarget>()
            .AddActivity<ApplyForwarding>()
            .AddActivity<RecordForwardingResult>()
            .AddActivity<FinishForwardingJob>();

    /// <summary>Domain imports: <see cref="ImportDomainsOrchestrator"/> and its steps; the nameserver watch of imported domains once connected.</summary>
    public static DurableTaskRegistry AddImportTasks(this DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<ImportDomainsOrchestrator>()
            .AddActivity<LoadDomainImport>()
            .AddActivity<CreateImportZone>()
            .AddActivity<CheckImportZones>()
            .AddActivity<FinishDomainImport>()
            .AddActivity<PublishImportEvent>()
            .AddOrchestrator<NameserverWatchOrchestrator>()
            .AddActivity<CheckDomainNameservers>();

    /// <summary>Domain swaps: <see cref="SwapOrchestrator"/> and its own steps (it reuses the provisioning and cancellation ones).</summary>
    public static DurableTaskRegistry AddSwapTasks(this DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<SwapOrchestrator>()
            .AddActivity<PublishSwapEvent>()
            .AddActivity<CheckSwapReplacement>()
            .AddActivity<AttachSwapReplacement>()
            .AddActivity<AddSwapLicenses>()
            .AddActivity<StartSwapWarmPeriod>()
            .AddActivity<FinishSwap>();

    /// <summary>History retention: the eternal <see cref="HistoryRetentionOrchestrator"/> job and its <see cref="PurgeHistory"/> step.</summary>
    public static DurableTaskRegistry AddRetentionTasks(this DurableTaskRegistry registry) =>
        registry.AddOrchestrator<HistoryRetentionOrchestrator>().AddActivity<PurgeHistory>();
}
