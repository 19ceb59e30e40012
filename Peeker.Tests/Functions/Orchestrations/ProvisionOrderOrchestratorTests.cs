using System.Collections.Concurrent;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Durable;
using Peeker.Durable.Hosting;
using Peeker.Durable.Replay;
using Peeker.Tests.Support;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>ProvisionOrder and ProvisionDomain in the real engine (in memory, fake clock) with hand-written fake activities.</summary>
public sealed class ProvisionOrderOrchestratorTests
{
    [Fact]
    public async Task ProvisionOrder_ThreeDomains_PublishesInProgressConnectedPerDomainThenCompleted()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("b.com", MailProvider.Google), ("c.com", MailProvider.Microsoft)));
        await using var host = await fakes.StartAsync();

        var result = await fakes.RunAsync(host);

        Assert.Equal("completed", result.Status);
        Assert.Equal(3, result.DomainsConnected);
        Assert.Equal("order.in_progress", fakes.Events.First());
        Assert.Equal("order.completed", fakes.Events.Last());
        Assert.Equal(3, fakes.Events.Count(e => e.StartsWith("domain.connected", StringComparison.Ordinal)));
        Assert.Equal(["a.com", "b.com", "c.com"], fakes.Bought.Order(StringComparer.Ordinal));
        Assert.Equal(["google:2", "google:2", "microsoft:2"], fakes.Tenants.Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task ProvisionOrder_DomainUnavailableAtRegistrar_FailsOrderNamingDomainAndStep()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("gone.com", MailProvider.Google))) { Unavailable = { "gone.com" } };
        await using var host = await fakes.StartAsync();

        var result = await fakes.RunAsync(host);

        Assert.Equal("failed", result.Status);
        Assert.Equal("gone.com", result.FailedDomain);
        Assert.Equal("register", result.FailedStep);
        Assert.Equal("order.failed", fakes.Events.Last());
        Assert.DoesNotContain("order.completed", fakes.Events);
    }

    [Fact]
    public async Task ProvisionOrder_PermanentProviderError_FailsAtOnceWithoutRetrying()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google))) { ZoneError = new PermanentError("zone quota exceeded") };
        await using var host = await fakes.StartAsync();

        var result = await fakes.RunAsync(host);

        Assert.Equal("failed", result.Status);
        Assert.Equal("zone", result.FailedStep);
        Assert.Contains("zone quota exceeded", result.Reason, StringComparison.Ordinal);
        Assert.Equal(1, fakes.ZoneAttempts);
    }

    [Fact]
    public async Task ProvisionDomain_ZonePendingTwice_PollsOnDurableTimersThenConnects()
    {
        var fakes = new ProvisioningFakes(Plan(("slow.com", MailProvider.Google))) { ZonePendingPolls = 2 };
        await using var host = await fakes.StartAsync();

        var result = await fakes.RunAsync(host);

        Assert.Equal("completed", result.Status);
        Assert.Equal(3, fakes.ZoneChecks);
    }

    [Fact]
    public async Task ProvisionDomain_PictureNotAccessible_OpensPendingActionAndStillCompletes()
    {
        var fakes = new ProvisioningFakes(Plan(("pic.com", MailProvider.Google))) { BadPictureDomains = { "pic.com" } };
        await using var host = await fakes.StartAsync();

        var result = await fakes.RunAsync(host);

        Assert.Equal("completed", result.Status);
        Assert.Single(fakes.PendingActions);
        Assert.Contains("order.action_required", fakes.Events);
    }

    [Fact]
    public async Task ProvisionOrder_SixDomainsParallelismTwo_NeverRunsMoreThanTwoDomainsAtOnce()
    {
        var domains = Enumerable.Range(1, 6).Select(i => ($"d{i}.com", MailProvider.Google)).ToArray();
        var fakes = new ProvisioningFakes(Plan(domains) with { MaxParallelDomains = 2 });
        await using var host = await fakes.StartAsync();

        var result = await fakes.RunAsync(host);

        Assert.Equal("completed", result.Status);
        Assert.Equal(6, result.DomainsConnected);
        Assert.InRange(fakes.MaxInFlight, 1, 2);
    }

    [Fact]
    public async Task CancelOrder_PartialCancellation_WaitsForCancelsAtThenDeletesZonesAndReleases()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("b.com", MailProvider.Google)));
        await using var host = await fakes.StartAsync();
        var cancelsAt = new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CancelOrderOrchestrator), new CancelOrderInput("ord_test", PeekerEnvironment.Test, ["dom_1"], cancelsAt), new StartOrchestrationOptions("ord_test:cancel"));
        var done = await host.WaitAsync(id);
        var history = await host.Client.GetOrchestrationHistoryAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["b.com"], done.ReadOutputAs<CancelOrderResult>()!.Cancelled);
        Assert.Equal(["order.cancel_scheduled", "order.cancelled"], fakes.Events);
        Assert.Equal(["b.com"], fakes.DeletedZones);
        Assert.Equal(["dom_1"], fakes.Released);
        var timerFired = history.ToList().FindIndex(e => e.EventType == Peeker.Durable.History.EventType.TimerFired);
        var deleteScheduled = history.ToList().FindIndex(e => e.EventType == Peeker.Durable.History.EventType.TaskScheduled && e.Name == nameof(DeleteZone));
        Assert.Equal(cancelsAt, history.Single(e => e.EventType == Peeker.Durable.History.EventType.TimerCreated).FireAt);
        Assert.True(timerFired >= 0 && timerFired < deleteScheduled, "zones must be deleted only after cancels_at");
    }

    [Fact]
    public async Task CancelOrder_WholeOrder_WaitsForProvisioningThenDeletesMailboxesBeforeZonesThenRevokesLicencesOnce()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("c.com", MailProvider.Microsoft)) with { MicrosoftTenantId = "tenant-1" }) { ProvisioningPolls = 2 };
        await using var host = await fakes.StartAsync();

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CancelOrderOrchestrator), new CancelOrderInput("ord_test", PeekerEnvironment.Test, null, new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc)),
            new StartOrchestrationOptions("ord_test:cancel"));
        var done = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var undo = fakes.UndoQueue.ToList();
        Assert.Equal(6, undo.Count);
        Assert.Equal("settled", undo[0]);
        Assert.True(undo.IndexOf("inboxes:a.com:tenant-1") < undo.IndexOf("zone:a.com"), string.Join(" ", undo));
        Assert.True(undo.IndexOf("inboxes:c.com:tenant-1") < undo.IndexOf("zone:c.com"), string.Join(" ", undo));
        Assert.Equal("licences:a.com:tenant-1", undo[^1]);
        Assert.Equal(["dom_0", "dom_1"], fakes.Released.Order(StringComparer.Ordinal));
        Assert.Equal(["order.cancel_scheduled", "order.cancelled"], fakes.Events);
    }

    [Fact]
    public async Task CancelOrder_GoogleDomainOnly_LeavesTheMicrosoftTenantAlone()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("c.com", MailProvider.Microsoft)) with { MicrosoftTenantId = "tenant-1" });
        await using var host = await fakes.StartAsync();

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CancelOrderOrchestrator), new CancelOrderInput("ord_test", PeekerEnvironment.Test, ["dom_0"], new DateTime(2026, 2, 1, 0, 0, 0, DateTimeKind.Utc)),
            new StartOrchestrationOptions("ord_test:cancel"));
        var done = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["settled", "inboxes:a.com:tenant-1", "zone:a.com", "licences:a.com:-"], fakes.UndoQueue);
        Assert.Equal(["dom_0"], fakes.Released);
    }

    [Theory]
    [InlineData("ProvisionOrder.completed.json", typeof(ProvisionOrderOrchestrator), "ord_test")]
    [InlineData("ProvisionDomain.completed.json", typeof(ProvisionDomainOrchestrator), "ord_test:a.com")]
    public void Replay_CheckedInHistory_CurrentCodeIsDeterministic(string file, Type orchestrator, string instanceId)
    {
        var history = OrchestrationReplayer.Import(File.ReadAllText(Path.Combine(HistoriesFolder, file)));

        var status = OrchestrationReplayer.Replay((ITaskOrchestrator)Activator.CreateInstance(orchestrator)!, history, instanceId);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, status);
    }

    /// <summary>Rewrites the checked-in histories: run with PEEKER_RECORD_HISTORIES=1 after an intended change (and version it).</summary>
    [Fact]
    public async Task RecordHistories_WhenAsked_WritesCheckedInHistories()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("c.com", MailProvider.Microsoft)) with { GoogleLicenses = 2 });
        await using var host = await fakes.StartAsync();
        var result = await fakes.RunAsync(host);
        var parent = await host.Client.GetOrchestrationHistoryAsync("ord_test");
        var child = await host.Client.GetOrchestrationHistoryAsync("ord_test:a.com");

        Assert.Equal("completed", result.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, OrchestrationReplayer.Replay(new ProvisionOrderOrchestrator(), parent, "ord_test"));
        if (Environment.GetEnvironmentVariable("PEEKER_RECORD_HISTORIES") == "1")
        {
            Directory.CreateDirectory(SourceHistoriesFolder);
            File.WriteAllText(Path.Combine(SourceHistoriesFolder, "ProvisionOrder.completed.json"), OrchestrationReplayer.Export(parent));
            File.WriteAllText(Path.Combine(SourceHistoriesFolder, "ProvisionDomain.completed.json"), OrchestrationReplayer.Export(child));
        }
    }

    private static string HistoriesFolder => Path.Combine(AppContext.BaseDirectory, "Functions", "Orchestrations", "Histories");

    private static string SourceHistoriesFolder => Path.Combine(RepoPaths.Root, "Peeker.Tests", "Functions", "Orchestrations", "Histories");

    private static LoadOrderPlanResult Plan(params (string Domain, MailProvider Provider)[] domains) => new(
        "org_test",
        "client@example.com",
        domains.Count(d => d.Provider == MailProvider.Google) * 2 - 1,
        domains.Count(d => d.Provider == MailProvider.Microsoft),
        10,
        [.. domains.Select((d, i) => new PlannedDomain($"dom_{i}", d.Domain, d.Provider, false, "https://acme.example",
            [new PlannedInbox("sam", "Sam", "Lee", "https://pics.example/sam.png"), new PlannedInbox("sam.lee", "Sam", "Lee", null)]))]);

    private sealed class PermanentError(string message) : Exception(message), IRetryClassified
    {
        public bool IsRetryable => false;
    }

    /// <summary>Fake activities that remember what they were asked to do.</summary>
    private sealed class ProvisioningFakes(LoadOrderPlanResult plan)
    {
        private int _inFlight;
        private int _zoneChecks;
        private int _zoneAttempts;
        private int _maxInFlight;
        private int _provisioningPolls;

        public ConcurrentQueue<string> EventQueue { get; } = new();

        public IReadOnlyList<string> Events => [.. EventQueue];

        public ConcurrentBag<string> Bought { get; } = [];

        public ConcurrentBag<string> Tenants { get; } = [];

        public ConcurrentBag<string> PendingActions { get; } = [];

        public HashSet<string> Unavailable { get; } = [];

        public ConcurrentQueue<string> DeletedZoneQueue { get; } = new();

        public IReadOnlyList<string> DeletedZones => [.. DeletedZoneQueue];

        public ConcurrentQueue<string> Released { get; } = new();

        /// <summary>Every undo step in the order it ran: <c>inboxes:{domain}:{tenant}</c>, <c>zone:{domain}</c>, <c>licences:{google domains}:{tenant}</c>.</summary>
        public ConcurrentQueue<string> UndoQueue { get; } = new();

        public HashSet<string> BadPictureDomains { get; } = [];

        public Exception? ZoneError { get; init; }

        public int ZonePendingPolls { get; init; }

        /// <summary>How many times <c>AwaitProvisioning</c> answers "still running" before provisioning counts as settled.</summary>
        public int ProvisioningPolls
        {
            get => _provisioningPolls;
            init => _provisioningPolls = value;
        }

        public int ZoneChecks => _zoneChecks;

        public int ZoneAttempts => _zoneAttempts;

        public int MaxInFlight => _maxInFlight;

        public Task<DurableTestHost> StartAsync() => DurableTestHost.StartInMemoryAsync(Register);

        public async Task<ProvisionOrderResult> RunAsync(DurableTestHost host)
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(ProvisionOrderOrchestrator), new ProvisionOrderInput("ord_test", PeekerEnvironment.Test), new StartOrchestrationOptions("ord_test"));
            var done = await host.WaitAsync(id);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
            return done.ReadOutputAs<ProvisionOrderResult>()!;
        }

        private void Register(DurableTaskRegistry r) => r
            .AddOrchestrator<ProvisionOrderOrchestrator>()
            .AddOrchestrator<ProvisionDomainOrchestrator>()
            .AddActivityFunc<LoadOrderPlanInput, LoadOrderPlanResult>(nameof(LoadOrderPlan), (_, _) => Task.FromResult(plan))
            .AddActivityFunc<PublishOrderEventInput, PublishOrderEventResult>(nameof(PublishOrderEvent), (_, i) =>
            {
                EventQueue.Enqueue(i.Type);
                return Task.FromResult(new PublishOrderEventResult("evt", i.Type));
            })
            .AddActivityFunc<EnsureTenantInput, EnsureTenantResult>(nameof(EnsureGoogleTenant), (_, i) =>
            {
                Tenants.Add($"google:{i.Licenses}");
                return Task.FromResult(new EnsureTenantResult("C123", null, null));
            })
            .AddActivityFunc<EnsureTenantInput, EnsureTenantResult>(nameof(EnsureMicrosoftTenant), (_, i) =>
            {
                Tenants.Add($"microsoft:{i.Licenses}");
                return Task.FromResult(new EnsureTenantResult("mc1", "tenant-1", "tenant1.onmicrosoft.com"));
            })
            .AddActivityFunc<BuyDomainInput, BuyDomainResult>(nameof(BuyDomain), (_, i) =>
            {
                var now = Interlocked.Increment(ref _inFlight);
                InterlockedMax(ref _maxInFlight, now);
                if (Unavailable.Contains(i.Domain))
                {
                    Interlocked.Decrement(ref _inFlight);
                    return Task.FromResult(new BuyDomainResult(i.Domain, false, "Unavailable", "not_available"));
                }

                Bought.Add(i.Domain);
                return Task.FromResult(new BuyDomainResult(i.Domain, true, "Purchased", null));
            })
            .AddActivityFunc<CreateZoneInput, CreateZoneResult>(nameof(CreateZone), (_, i) =>
            {
                Interlocked.Increment(ref _zoneAttempts);
                return ZoneError is { } error ? throw error : Task.FromResult(new CreateZoneResult($"zone-{i.Domain}", ["ns1.example", "ns2.example"]));
            })
            .AddActivityFunc<SetNameserversInput, SetNameserversResult>(nameof(SetNameservers), (_, i) => Task.FromResult(new SetNameserversResult(i.Domain, i.Nameservers)))
            .AddActivityFunc<CheckZoneActiveInput, CheckZoneActiveResult>(nameof(CheckZoneActive), (_, i) =>
                Interlocked.Increment(ref _zoneChecks) <= ZonePendingPolls
                    ? throw new NotReadyYetException("pending")
                    : Task.FromResult(new CheckZoneActiveResult(i.ZoneId, "active")))
            .AddActivityFunc<WriteDnsRecordsInput, WriteDnsRecordsResult>(nameof(WriteDnsRecords), (_, i) => Task.FromResult(new WriteDnsRecordsResult(i.Domain, 4)))
            .AddActivityFunc<VerifyDomainInput, VerifyDomainResult>(nameof(VerifyDomain), (_, i) => Task.FromResult(new VerifyDomainResult(i.Domain, true)))
            .AddActivityFunc<CreateInboxInput, CreateInboxResult>(nameof(CreateInbox), (_, i) => Task.FromResult(new CreateInboxResult(
                $"{i.Inbox.LocalPart}@{i.Domain}", "Sam Lee", false, BadPictureDomains.Contains(i.Domain) && i.Inbox.ProfilePictureUrl is not null ? CreateInbox.PictureNotAccessible : null)))
            .AddActivityFunc<OpenPendingActionInput, OpenPendingActionResult>(nameof(OpenPendingAction), (_, i) =>
            {
                PendingActions.Add(i.Email);
                EventQueue.Enqueue("order.action_required");
                return Task.FromResult(new OpenPendingActionResult("pa_1"));
            })
            .AddActivityFunc<RegisterSequencerAccountInput, RegisterSequencerAccountResult>(nameof(RegisterSequencerAccount), (_, i) => Task.FromResult(new RegisterSequencerAccountResult(i.Email, 1)))
            .AddActivityFunc<SetForwardingInput, SetForwardingResult>(nameof(SetForwarding), (_, i) => Task.FromResult(new SetForwardingResult(i.Domain, i.Url)))
            .AddActivityFunc<AwaitProvisioningInput, AwaitProvisioningResult>(nameof(AwaitProvisioning), (_, _) =>
            {
                if (Interlocked.Decrement(ref _provisioningPolls) >= 0)
                {
                    throw new NotReadyYetException("still provisioning");
                }

                UndoQueue.Enqueue("settled");
                return Task.FromResult(new AwaitProvisioningResult("Completed"));
            })
            .AddActivityFunc<DeleteInboxesInput, DeleteInboxesResult>(nameof(DeleteInboxes), (_, i) =>
            {
                UndoQueue.Enqueue($"inboxes:{i.Domain.Domain}:{i.MicrosoftTenantId ?? "-"}");
                return Task.FromResult(new DeleteInboxesResult(i.Domain.Domain, i.Domain.Inboxes.Count));
            })
            .AddActivityFunc<RevokeLicensesInput, RevokeLicensesResult>(nameof(RevokeLicenses), (_, i) =>
            {
                UndoQueue.Enqueue($"licences:{string.Join(',', i.GoogleDomains)}:{i.MicrosoftTenantId ?? "-"}");
                return Task.FromResult(new RevokeLicensesResult(i.GoogleDomains.Count, i.MicrosoftTenantId is null ? null : 0));
            })
            .AddActivityFunc<DeleteZoneInput, DeleteZoneResult>(nameof(DeleteZone), (_, i) =>
            {
                UndoQueue.Enqueue($"zone:{i.Domain}");
                DeletedZoneQueue.Enqueue(i.Domain);
                return Task.FromResult(new DeleteZoneResult(i.Domain, true));
            })
            .AddActivityFunc<ReleaseDomainsInput, ReleaseDomainsResult>(nameof(ReleaseDomains), (_, i) =>
            {
                foreach (var id in i.DomainIds)
                {
                    Released.Enqueue(id);
                }

                return Task.FromResult(new ReleaseDomainsResult(i.DomainIds.Count, false));
            })
            .AddOrchestrator<CancelOrderOrchestrator>()
            .AddActivityFunc<MarkDomainConnectedInput, MarkDomainConnectedResult>(nameof(MarkDomainConnected), (_, i) =>
            {
                Interlocked.Decrement(ref _inFlight);
                EventQueue.Enqueue($"domain.connected:{i.Domain}");
                return Task.FromResult(new MarkDomainConnectedResult(i.Domain, "evt"));
            });

        private static void InterlockedMax(ref int target, int value)
        {
            int current;
            while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
            {
            }
        }
    }
}
