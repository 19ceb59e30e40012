using System.Collections.Concurrent;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Common;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Imports;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Webhooks;
using Peeker.Durable.Hosting;
using Peeker.Durable.Replay;
using Peeker.Functions.Orchestrations;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// Records the histories that <c>Peeker.Tests/Durable/Replay</c> replays: runs each orchestrator once on DTFx over a
/// fresh Azurite with deterministic fake activities on a realistic path, and writes each instance's history (DTFx's
/// typed JSON) to <c>{dir}/{orchestrator name}.json</c>. Not a test: re-recording is a deliberate act (see
/// <c>OrchestratorReplayTests</c>).
/// </summary>
public static class HistoryRecorder
{
    private const string Partner = "ptr_replay";
    private const string OrderId = "ord_replay";

    /// <summary><c>--record-histories [dir]</c>: dir defaults to Peeker.Tests/Durable/Replay/Histories.</summary>
    public static async Task<int> RunAsync(string[] args)
    {
        var dir =
            args.SkipWhile(a => a != "--record-histories").Skip(1).FirstOrDefault()
            ?? Path.Combine(RepoRoot(), "Peeker.Tests", "Durable", "Replay", "Histories");
        Directory.CreateDirectory(dir);
        await using var azurite = await AzuriteProcess.StartAsync(SettingsProfile.FindRoot());
        var builder = Host.CreateEmptyApplicationBuilder(new HostApplicationBuilderSettings());
        builder.Configuration["AzureWebJobsStorage"] = azurite.ConnectionString;
        builder.Logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddPeekerDurable(builder.Configuration, new RecordingFakes().Register);
        builder.Services.Configure<DurableTaskOptions>(options =>
        {
            options.HubName = "ReplayRecorder";
            options.StorageProvider.PartitionCount = 1;
            options.StorageProvider.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100);
            options.StorageProvider.LeaseAcquireInterval = TimeSpan.FromSeconds(1);
            options.StorageProvider.LeaseRenewInterval = TimeSpan.FromSeconds(2);
        });
        using var host = builder.Build();
        await host.StartAsync();
        try
        {
            var hub = host.Services.GetRequiredService<DurableTaskHub>();
            using var timeout = new CancellationTokenSource(TimeSpan.FromMinutes(5));
            while (hub.State != TaskHubState.Running)
            {
                await Task.Delay(100, timeout.Token);
            }

            var client = host.Services.GetRequiredService<DurableTaskClient>();
            var cancelId = $"{OrderId}:cancel:all";
            await RunAsync(
                client,
                nameof(ProvisionOrderOrchestrator),
                OrderId,
                new ProvisionOrderInput(OrderId, PeekerEnvironment.Test),
                timeout.Token
            );
            // The whole order, with cancels_at already passed: no wait for the end of the paid period.
            await RunAsync(
                client,
                nameof(CancelOrderOrchestrator),
                cancelId,
                new CancelOrderInput(OrderId, PeekerEnvironment.Test, null, DateTime.UtcNow.Date.AddDays(-1)),
                timeout.Token
            );
            await RunAsync(
                client,
                nameof(ForwardingJobOrchestrator),
                "fwd_replay",
                new ForwardingJobRef("fwd_replay", PeekerEnvironment.Test, Partner),
                timeout.Token
            );
            await RunAsync(
                client,
                nameof(ImportDomainsOrchestrator),
                "imp_replay",
                new ImportRef("imp_replay", PeekerEnvironment.Test, Partner),
                timeout.Token
            );
            // A schedule in seconds rather than the spec's minutes, so the two retry waits are real timers that fire.
            await RunAsync(
                client,
                nameof(DeliverWebhookOrchestrator),
                "evt_replay",
                new DeliverWebhookInput(
                    "evt_replay",
                    PeekerEnvironment.Test,
                    Partner,
                    1,
                    [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(6), TimeSpan.FromSeconds(10)],
                    TimeSpan.FromMinutes(1)
                ),
                timeout.Token
            );

            foreach (
                var (name, id) in new[]
                {
                    (nameof(ProvisionOrderOrchestrator), OrderId),
                    (nameof(ProvisionDomainOrchestrator), $"{OrderId}:{RecordingFakes.GoogleDomain}"),
                    (nameof(CancelOrderOrchestrator), cancelId),
                    (nameof(ForwardingJobOrchestrator), "fwd_replay"),
                    (nameof(ImportDomainsOrchestrator), "imp_replay"),
                    (nameof(DeliverWebhookOrchestrator), "evt_replay"),
                }
            )
            {
                var history = await client.GetOrchestrationHistoryAsync(id, timeout.Token);
                var file = Path.Combine(dir, $"{name}.json");
                await File.WriteAllTextAsync(file, OrchestrationReplayer.WriteHistory(history) + "\n", timeout.Token);
                Console.WriteLine($"{file}: {history.Count} events of {id}");
            }

            return 0;
        }
        finally
        {
            await host.StopAsync();
        }
    }

    private static async Task RunAsync(DurableTaskClient client, string name, string instanceId, object input, CancellationToken ct)
    {
        await client.ScheduleNewOrchestrationInstanceAsync(name, input, new StartOrchestrationOptions(instanceId), ct);
        var done = await client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, ct);
        if (done.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"{name} {instanceId} ended {done.RuntimeStatus}: {done.FailureDetails?.ErrorMessage}");
        }

        Console.WriteLine($"{name} {instanceId}: {done.SerializedOutput}");
    }

    private static string RepoRoot()
    {
        var dir = new DirectoryInfo(AppContext.BaseDirectory);
        while (dir is not null && !File.Exists(Path.Combine(dir.FullName, "Peeker.sln")))
        {
            dir = dir.Parent;
        }

        return dir?.FullName ?? throw new InvalidOperationException("Peeker.sln not found above " + AppContext.BaseDirectory);
    }

    /// <summary>
    /// Fake activities whose answers depend only on their inputs (and, for the one zone that is pending once, on how
    /// often it was asked), so a re-recording differs from the last one only in timestamps, execution ids, stack
    /// traces and how early the storage queue fired a timer.
    /// </summary>
    private sealed class RecordingFakes
    {
        public const string GoogleDomain = "acme-mail.com";
        private const string MicrosoftDomain = "acme-send.com";
        private readonly ConcurrentDictionary<string, int> _calls = new();
        private readonly ConcurrentBag<string?> _forwardingReasons = [];
        private string? _microsoftTenant;

        private static LoadOrderPlanResult Plan(string? tenant) =>
            new(
                Partner,
                "client@example.com",
                2,
                1,
                2,
                [
                    new PlannedDomain(
                        "dom_replay1",
                        GoogleDomain,
                        MailProvider.Google,
                        false,
                        "https://acme.example",
                        [
                            new PlannedInbox("sam", "Sam", "Lee", "https://pics.example/sam.png"),
                            new PlannedInbox("sam.lee", "Sam", "Lee", null),
                        ]
                    ),
                    new PlannedDomain(
                        "dom_replay2",
                        MicrosoftDomain,
                        MailProvider.Microsoft,
                        false,
                        null,
                        [new PlannedInbox("sam", "Sam", "Lee", null)]
                    ),
                ]
            )
            {
                PropagationTimeout = TimeSpan.FromHours(2),
                MicrosoftTenantId = tenant,
            };

        private int Count(string key) => _calls.AddOrUpdate(key, 1, (_, n) => n + 1);

        public void Register(DurableTaskRegistry r) =>
            r.AddOrchestrator<ProvisionOrderOrchestrator>()
                .AddOrchestrator<ProvisionDomainOrchestrator>()
                .AddOrchestrator<CancelOrderOrchestrator>()
                .AddOrchestrator<ForwardingJobOrchestrator>()
                .AddOrchestrator<ImportDomainsOrchestrator>()
                .AddOrchestrator<DeliverWebhookOrchestrator>()
                // Provisioning: a Google and a Microsoft domain; the Google zone is pending at the first check and one
                // inbox's profile picture cannot be fetched (a pending action).
                .AddActivityFunc<LoadOrderPlanInput, LoadOrderPlanResult>(nameof(LoadOrderPlan), (_, _) => Plan(_microsoftTenant))
                .AddActivityFunc<PublishOrderEventInput, PublishOrderEventResult>(
                    nameof(PublishOrderEvent),
                    (_, i) => new($"evt_{i.Order.OrderId}_{i.Type}", "pending")
                )
                .AddActivityFunc<EnsureTenantInput, EnsureTenantResult>(
                    nameof(EnsureGoogleTenant),
                    (_, i) => new($"C0{i.PrimaryDomain.Length}abc", null, null)
                )
                .AddActivityFunc<EnsureTenantInput, EnsureTenantResult>(
                    nameof(EnsureMicrosoftTenant),
                    (_, _) => new("mc_replay", _microsoftTenant = "tenant-replay", "acmereplay.onmicrosoft.com")
                )
                .AddActivityFunc<BuyDomainInput, BuyDomainResult>(nameof(BuyDomain), (_, i) => new(i.Domain, true, "Purchased", null))
                .AddActivityFunc<CreateZoneInput, CreateZoneResult>(
                    nameof(CreateZone),
                    (_, i) => new($"zone-{i.Domain}", ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"])
                )
                .AddActivityFunc<SetNameserversInput, SetNameserversResult>(nameof(SetNameservers), (_, i) => new(i.Domain, i.Nameservers))
                .AddActivityFunc<CheckZoneActiveInput, CheckZoneActiveResult>(
                    nameof(CheckZoneActive),
                    (_, i) =>
                        i.ZoneId == $"zone-{GoogleDomain}" && Count(i.ZoneId) == 1
                            ? throw new NotReadyYetException("zone pending")
                            : new CheckZoneActiveResult(i.ZoneId, "active")
                )
                .AddActivityFunc<WriteDnsRecordsInput, WriteDnsRecordsResult>(nameof(WriteDnsRecords), (_, i) => new(i.Domain, 5))
                .AddActivityFunc<VerifyDomainInput, VerifyDomainResult>(nameof(VerifyDomain), (_, i) => new(i.Domain, true))
                .AddActivityFunc<CreateInboxInput, CreateInboxResult>(
                    nameof(CreateInbox),
                    (_, i) =>
                        new(
                            $"{i.Inbox.LocalPart}@{i.Domain}",
                            $"{i.Inbox.FirstName} {i.Inbox.LastName}",
                            false,
                            i.Provider == MailProvider.Google && i.Inbox.ProfilePictureUrl is not null
                                ? CreateInbox.PictureNotAccessible
                                : null
                        )
                )
                .AddActivityFunc<OpenPendingActionInput, OpenPendingActionResult>(nameof(OpenPendingAction), (_, i) => new($"pa_{i.Email}"))
                .AddActivityFunc<RegisterSequencerAccountInput, RegisterSequencerAccountResult>(
                    nameof(RegisterSequencerAccount),
                    (_, i) => new(i.Email, 1000 + i.Email.Length)
                )
                .AddActivityFunc<SetForwardingInput, SetForwardingResult>(nameof(SetForwarding), (_, i) => new(i.Domain, i.Url))
                .AddActivityFunc<MarkDomainConnectedInput, MarkDomainConnectedResult>(
                    nameof(MarkDomainConnected),
                    (_, i) => new(i.Domain, $"evt_{i.DomainId}_connected")
                )
                // Cancellation of the whole order, once provisioned.
                .AddActivityFunc<AwaitProvisioningInput, AwaitProvisioningResult>(
                    nameof(AwaitProvisioning),
                    (_, _) => new AwaitProvisioningResult("Completed")
                )
                .AddActivityFunc<DeleteInboxesInput, DeleteInboxesResult>(
                    nameof(DeleteInboxes),
                    (_, i) => new(i.Domain.Domain, i.Domain.Inboxes.Count)
                )
                .AddActivityFunc<DeleteZoneInput, DeleteZoneResult>(nameof(DeleteZone), (_, i) => new(i.Domain, true))
                .AddActivityFunc<RevokeLicensesInput, RevokeLicensesResult>(nameof(RevokeLicenses), (_, i) => new(i.GoogleDomains.Count, 0))
                .AddActivityFunc<ReleaseDomainsInput, ReleaseDomainsResult>(nameof(ReleaseDomains), (_, i) => new(i.DomainIds.Count, true))
                // Forwarding: one domain is redirected, Cloudflare refuses the other for good.
                .AddActivityFunc<ForwardingJobRef, LoadForwardingJobResult>(
                    nameof(LoadForwardingJob),
                    (_, _) =>
                        new(
                            "https://acme.example/welcome",
                            [new ForwardingJobDomain("dom_fwd1", "acme-one.com"), new ForwardingJobDomain("dom_fwd2", "acme-two.com")]
                        )
                )
                .AddActivityFunc<CheckForwardingTargetInput, CheckForwardingTargetResult>(
                    nameof(CheckForwardingTarget),
                    (_, _) => new CheckForwardingTargetResult(null)
                )
                .AddActivityFunc<ApplyForwardingInput, ApplyForwardingResult>(
                    nameof(ApplyForwarding),
                    (_, i) =>
                        i.Domain.Domain == "acme-two.com"
                            ? throw new ProviderException(
                                ProviderNames.Cloudflare,
                                "10000",
                                "Authentication error",
                                isRetryable: false,
                                statusCode: 403
                            )
                            : new ApplyForwardingResult(i.Domain.Domain, null)
                )
                .AddActivityFunc<RecordForwardingResultInput, RecordForwardingResultResult>(
                    nameof(RecordForwardingResult),
                    (_, i) =>
                    {
                        _forwardingReasons.Add(i.Reason);
                        return new RecordForwardingResultResult(i.Domain.Domain, $"evt_{i.Domain.Id}_forwarding");
                    }
                )
                .AddActivityFunc<ForwardingJobRef, FinishForwardingJobResult>(
                    nameof(FinishForwardingJob),
                    (_, _) =>
                    {
                        var (completed, failed) = (_forwardingReasons.Count(r => r is null), _forwardingReasons.Count(r => r is not null));
                        return new FinishForwardingJobResult(ForwardingJobStatus.Of(completed, failed), completed, failed);
                    }
                )
                // Import: both zones are pending at the first check and active at the second.
                .AddActivityFunc<ImportRef, LoadDomainImportResult>(
                    nameof(LoadDomainImport),
                    (_, _) => new(["acme-old.com", "acme-older.com"], TimeSpan.FromHours(72))
                )
                .AddActivityFunc<CreateImportZoneInput, ImportZone>(nameof(CreateImportZone), (_, i) => new(i.Domain, $"zone-{i.Domain}"))
                .AddActivityFunc<CheckImportZonesInput, CheckImportZonesResult>(
                    nameof(CheckImportZones),
                    (_, i) => new CheckImportZonesResult(i.ThrowWhilePending ? [] : [.. i.Zones.Select(z => z.Domain)])
                )
                .AddActivityFunc<FinishDomainImportInput, FinishDomainImportResult>(
                    nameof(FinishDomainImport),
                    (_, _) => new(ImportStatus.Completed, 2, 0)
                )
                .AddActivityFunc<PublishImportEventInput, PublishImportEventResult>(
                    nameof(PublishImportEvent),
                    (_, i) => new($"evt_{i.Import.ImportId}_{i.Type}")
                )
                // Webhook: the receiver answers 503 twice, then 200.
                .AddActivityFunc<PostWebhookInput, PostWebhookResult>(
                    nameof(PostWebhook),
                    (_, i) =>
                        i.Attempt < 3
                            ? new PostWebhookResult(PostWebhookOutcome.Failed, 503)
                            : new PostWebhookResult(PostWebhookOutcome.Delivered, 200)
                );
    }
}
