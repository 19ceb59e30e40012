using Microsoft.DurableTask;
using Peeker.Functions.Hosting;

namespace Peeker.Tests.Functions;

/// <summary>
/// Orchestrator and activity names are persisted in history and queues: renaming one strands running instances.
/// This list changes only together with a versioning plan.
/// </summary>
public sealed class RegisteredNamesTests
{
    [Fact]
    public void RegisterTasks_RegistersExactlyTheKnownNames()
    {
        var registry = new DurableTaskRegistry();

        EngineComposition.RegisterTasks(registry);

        // One entry per registration: a task registered twice (say, a second version) shows up twice.
        var orchestrators = registry.GetOrchestrators().Select(o => o.Key.Name);
        var activities = registry.GetActivities().Select(a => a.Key.Name);
        Assert.Equal(
            [
                "CancelOrderOrchestrator",
                "DeliverWebhookOrchestrator",
                "ForwardingJobOrchestrator",
                "HistoryRetentionOrchestrator",
                "ImportDomainsOrchestrator",
                "NameserverWatchOrchestrator",
                "PendingActionCheckOrchestrator",
                "ProvisionDomainOrchestrator",
                "ProvisionOrderOrchestrator",
                "RenewOrderOrchestrator",
                "SwapOrchestrator",
                "UserNameSwapOrchestrator",
            ],
            orchestrators.Order(StringComparer.Ordinal)
        );
        Assert.Equal(
            [
                "AddSwapLicenses",
                "ApplyForwarding",
                "AttachSwapReplacement",
                "AwaitProvisioning",
                "BuyDomain",
                "CheckDomainNameservers",
                "CheckForwardingTarget",
                "CheckImportZones",
                "CheckPendingAction",
                "CheckSwapReplacement",
                "CheckZoneActive",
                "CreateImportZone",
                "CreateInbox",
                "CreateZone",
                "DeleteInboxes",
                "DeleteSequencerAccounts",
                "DeleteZone",
                "EnsureGoogleTenant",
                "EnsureMicrosoftTenant",
                "FinishDomainImport",
                "FinishForwardingJob",
                "FinishSwap",
                "FinishUserNameSwap",
                "LoadDomainImport",
                "LoadForwardingJob",
                "LoadOrderPlan",
                "LoadUserNameSwap",
                "MarkDomainConnected",
                "OpenPendingAction",
                "PostWebhook",
                "PublishImportEvent",
                "PublishOrderEvent",
                "PublishSwapEvent",
                "PurgeHistory",
                "RecordForwardingResult",
                "RegisterSequencerAccount",
                "ReleaseDomains",
                "RenameInbox",
                "RenewOrder",
                "RevokeLicenses",
                "SetForwarding",
                "SetNameservers",
                "StartSwapWarmPeriod",
                "UpdateSequencerInbox",
                "VerifyDomain",
                "WriteDnsRecords",
            ],
            activities.Order(StringComparer.Ordinal)
        );
    }
}
