using System.Collections.Concurrent;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// The swap orchestration in the real engine (DTFx on Azurite) with the provisioning fakes for the steps it shares with
/// orders and fakes of its own steps. The premium warm period is seconds instead of 14 days.
/// </summary>
public sealed class SwapOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Swap_Standard_ProvisionsTheReplacementThenDetachesTheOldDomain()
    {
        var fakes = new SwapFakes(SwapType.Standard, TimeSpan.Zero);
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var (done, history) = await fakes.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(SwapStatus.Completed, done.ReadOutputAs<SwapResult>()!.Status);
        Assert.Equal(["swap.created", "swap.in_progress", "domain.connected:fresh.com", "swap.completed"], fakes.Provisioning.Events);
        Assert.Equal(["fresh.com"], fakes.Provisioning.Bought);
        Assert.Equal(
            ["licences+2:tenant-1", "sequencer:old.com", "inboxes:old.com:tenant-1", "zone:old.com", "licences::tenant-1", "finish:True:-"],
            fakes.Provisioning.UndoQueue
        );
        Assert.Empty(history.OfType<TimerCreatedEvent>());
        Assert.Contains(
            history,
            e => e is SubOrchestrationInstanceCreatedEvent { Name: nameof(ProvisionDomainOrchestrator), InstanceId: "swp_test:domain" }
        );
    }

    [Fact]
    public async Task Swap_Premium_KeepsTheOldDomainWarmOnADurableTimerBeforeDetaching()
    {
        var fakes = new SwapFakes(SwapType.Premium, TimeSpan.FromSeconds(3));
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var (done, history) = await fakes.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        var timer = history.OfType<TimerCreatedEvent>().Single();
        Assert.Equal(fakes.WarmUntil.Single().UtcDateTime, timer.FireAt);
        var timerFired = history.FindIndex(e => e is TimerFiredEvent);
        var deleteScheduled = history.FindIndex(e => e is TaskScheduledEvent { Name: nameof(DeleteInboxes) });
        var connected = history.FindIndex(e => e is SubOrchestrationInstanceCompletedEvent);
        Assert.True(
            connected < timerFired && timerFired < deleteScheduled,
            "the old domain is detached only after the warm period, which starts once the new one is live"
        );
        var raised = history.FindIndex(e => e is TaskScheduledEvent { Name: nameof(AddSwapLicenses) });
        var created = history.FindIndex(e => e is SubOrchestrationInstanceCreatedEvent);
        var revoked = history.FindIndex(e => e is TaskScheduledEvent { Name: nameof(RevokeLicenses) });
        Assert.True(
            raised >= 0 && raised < created && timerFired < revoked,
            "the new inboxes' licences are bought before they are created, and given back only once the warm period is over"
        );
        Assert.Equal(["swap.created", "swap.in_progress", "domain.connected:fresh.com", "swap.completed"], fakes.Provisioning.Events);
    }

    [Fact]
    public async Task Swap_ReplacementStillImporting_ActionRequiredThenResumesWhenItVerifies()
    {
        var fakes = new SwapFakes(SwapType.Standard, TimeSpan.Zero) { PendingChecks = 2 };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var (done, _) = await fakes.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(
            [
                "swap.created",
                "swap.in_progress",
                "swap.action_required",
                "swap.in_progress",
                "domain.connected:fresh.com",
                "swap.completed",
            ],
            fakes.Provisioning.Events
        );
        Assert.Equal(SwapReasons.ReplacementNotImported, fakes.Reasons["swap.action_required"].Code);
        Assert.Equal("resumed", fakes.Occurrences.Single());
    }

    [Fact]
    public async Task Swap_ReplacementImportAbandoned_FailsWithoutTouchingTheOldDomain()
    {
        var fakes = new SwapFakes(SwapType.Standard, TimeSpan.Zero) { PendingChecks = 1, ImportFails = true };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var (done, _) = await fakes.RunAsync(host);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["swap.created", "swap.in_progress", "swap.action_required", "swap.failed"], fakes.Provisioning.Events);
        Assert.Equal(SwapReasons.ReplacementImportFailed, fakes.Reasons["swap.failed"].Code);
        Assert.Equal(["finish:False:-"], fakes.Provisioning.UndoQueue);
        Assert.Empty(fakes.Provisioning.Bought);
    }

    [Fact]
    public async Task Swap_ReplacementCannotBeBought_FailsAtRegisterAndKeepsTheOldDomain()
    {
        var fakes = new SwapFakes(SwapType.Standard, TimeSpan.Zero);
        fakes.Provisioning.Unavailable.Add("fresh.com");
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var (done, _) = await fakes.RunAsync(host);

        var result = done.ReadOutputAs<SwapResult>()!;
        Assert.Equal(SwapStatus.Failed, result.Status);
        Assert.Equal("register", result.FailedStep);
        Assert.Equal("domain_unavailable", result.Reason);
        Assert.Equal(["swap.created", "swap.in_progress", "swap.failed"], fakes.Provisioning.Events);
        Assert.Equal("register", fakes.Reasons["swap.failed"].Step);
        // Nothing was set up for a name that could not be bought; the licences raised for it are given back.
        Assert.Equal(["licences+2:tenant-1", "licences::tenant-1", "finish:False:register"], fakes.Provisioning.UndoQueue);
    }

    [Fact]
    public async Task Swap_FailsAfterTheReplacementsInboxesAndSmartlead_UndoesTheReplacementAndLeavesTheOldDomain()
    {
        var fakes = new SwapFakes(SwapType.Premium, TimeSpan.FromSeconds(3))
        {
            Provisioning = new ProvisioningFakes(ProvisioningFakes.Plan(("old.com", MailProvider.Microsoft)))
            {
                ForwardingError = new PermanentError("Cloudflare refused the redirect"),
            },
        };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var (done, history) = await fakes.RunAsync(host);

        var result = done.ReadOutputAs<SwapResult>()!;
        Assert.Equal((SwapStatus.Failed, "forwarding"), (result.Status, result.FailedStep));
        Assert.Equal(["swap.created", "swap.in_progress", "swap.failed"], fakes.Provisioning.Events);
        Assert.Equal(
            [
                "licences+2:tenant-1",
                "sequencer:fresh.com",
                "inboxes:fresh.com:tenant-1",
                "zone:fresh.com",
                "licences::tenant-1",
                "finish:False:forwarding",
            ],
            fakes.Provisioning.UndoQueue
        );
        Assert.DoesNotContain(fakes.Provisioning.UndoQueue, step => step.Contains("old.com", StringComparison.Ordinal));
        Assert.Empty(history.OfType<TimerCreatedEvent>());
    }

    /// <summary>The provisioning fakes plus fakes of the swap's own activities, for the swap <c>swp_test</c> of <c>ord_test</c>.</summary>
    private sealed class SwapFakes(string type, TimeSpan warm)
    {
        private int _pending;

        public ProvisioningFakes Provisioning { get; init; } = new(ProvisioningFakes.Plan(("old.com", MailProvider.Microsoft)));

        public int PendingChecks
        {
            get => _pending;
            init => _pending = value;
        }

        public bool ImportFails { get; init; }

        public ConcurrentDictionary<string, SwapReason> Reasons { get; } = new();

        public ConcurrentQueue<string> Occurrences { get; } = new();

        public ConcurrentQueue<DateTimeOffset> WarmUntil { get; } = new();

        public Task<DurableTestHost> StartAsync(string connectionString) =>
            DurableTestHost.StartAsync(
                connectionString,
                r =>
                {
                    Provisioning.Register(r);
                    r.AddOrchestrator<SwapOrchestrator>()
                        .AddActivityFunc<PublishSwapEventInput, PublishSwapEventResult>(
                            nameof(PublishSwapEvent),
                            (_, i) =>
                            {
                                Provisioning.EventQueue.Enqueue(i.Type);
                                if (i.Reason is { } reason)
                                {
                                    Reasons[i.Type] = reason;
                                }

                                if (i.Occurrence is { } occurrence)
                                {
                                    Occurrences.Enqueue(occurrence);
                                }

                                return Task.FromResult(new PublishSwapEventResult("evt", SwapEvents.StatusOf(i.Type)));
                            }
                        )
                        .AddActivityFunc<CheckSwapReplacementInput, CheckSwapReplacementResult>(
                            nameof(CheckSwapReplacement),
                            (_, i) =>
                            {
                                if (Volatile.Read(ref _pending) <= 0)
                                {
                                    return Task.FromResult(new CheckSwapReplacementResult(true, null));
                                }

                                if (!i.Wait)
                                {
                                    return Task.FromResult(new CheckSwapReplacementResult(false, null));
                                }

                                if (ImportFails)
                                {
                                    return Task.FromResult(
                                        new CheckSwapReplacementResult(
                                            false,
                                            SwapReasons.Of(SwapReasons.ReplacementImportFailed, "replacement")
                                        )
                                    );
                                }

                                return Interlocked.Decrement(ref _pending) > 0
                                    ? throw new NotReadyYetException("still importing")
                                    : Task.FromResult(new CheckSwapReplacementResult(true, null));
                            }
                        )
                        .AddActivityFunc<AttachSwapReplacementInput, AttachSwapReplacementResult>(
                            nameof(AttachSwapReplacement),
                            (_, _) => Task.FromResult(Plan())
                        )
                        .AddActivityFunc<AddSwapLicensesInput, AddSwapLicensesResult>(
                            nameof(AddSwapLicenses),
                            (_, i) =>
                            {
                                Provisioning.UndoQueue.Enqueue($"licences+{i.Inboxes}:{i.TenantId}");
                                return Task.FromResult(new AddSwapLicensesResult(10 + i.Inboxes));
                            }
                        )
                        .AddActivityFunc<StartSwapWarmPeriodInput, StartSwapWarmPeriodResult>(
                            nameof(StartSwapWarmPeriod),
                            (_, i) =>
                            {
                                WarmUntil.Enqueue(i.WarmUntil);
                                return Task.FromResult(new StartSwapWarmPeriodResult(i.Swap.SwapId, i.WarmUntil));
                            }
                        )
                        .AddActivityFunc<FinishSwapInput, FinishSwapResult>(
                            nameof(FinishSwap),
                            (_, i) =>
                            {
                                Provisioning.UndoQueue.Enqueue($"finish:{i.Succeeded}:{i.FailedStep ?? "-"}");
                                return Task.FromResult(new FinishSwapResult(i.Swap.SwapId, i.Succeeded));
                            }
                        );
                }
            );

        public async Task<(OrchestrationMetadata Done, List<HistoryEvent> History)> RunAsync(DurableTestHost host)
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
                nameof(SwapOrchestrator),
                new SwapInput(new SwapRef("swp_test", PeekerEnvironment.Test, "org_test"), TimeSpan.FromSeconds(90)),
                new StartOrchestrationOptions("swp_test")
            );
            var done = await host.WaitAsync(id);
            Assert.True(done.RuntimeStatus == OrchestrationRuntimeStatus.Completed, $"{done.RuntimeStatus}: {done.FailureDetails}");
            return (done, (await host.Client.GetOrchestrationHistoryAsync(id)).ToList());
        }

        private AttachSwapReplacementResult Plan()
        {
            var inboxes = new List<PlannedInbox> { new("sam", "Sam", "Lee", null), new("sam.lee", "Sam", "Lee", null) };
            return new AttachSwapReplacementResult(
                type,
                new OrderRef("ord_test", PeekerEnvironment.Test, "org_test"),
                "client@example.com",
                new PlannedDomain("dom_new", "fresh.com", MailProvider.Microsoft, false, "https://acme.example", inboxes),
                new PlannedDomain("dom_0", "old.com", MailProvider.Microsoft, false, "https://acme.example", inboxes),
                "tenant-1",
                TimeSpan.FromSeconds(30),
                warm
            );
        }
    }
}
