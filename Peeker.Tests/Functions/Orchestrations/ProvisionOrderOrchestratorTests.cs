using DurableTask.Core.History;
using Peeker.Activities.Provisioning;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Support;
using static Peeker.Tests.Functions.Orchestrations.ProvisioningFakes;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// ProvisionOrder and ProvisionDomain in the real engine (DTFx on Azurite) with hand-written fake activities, and
/// replays of checked-in histories. Retry delays are real time (a durable poll is two seconds), so the waits here stay short.
/// </summary>
public sealed class ProvisionOrderOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task ProvisionOrder_ThreeDomains_PublishesInProgressConnectedPerDomainThenCompleted()
    {
        var fakes = new ProvisioningFakes(
            Plan(("a.com", MailProvider.Google), ("b.com", MailProvider.Google), ("c.com", MailProvider.Microsoft))
        );
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

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
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("gone.com", MailProvider.Google)))
        {
            Unavailable = { "gone.com" },
        };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var result = await fakes.RunAsync(host);

        Assert.Equal("failed", result.Status);
        Assert.Equal("gone.com", result.FailedDomain);
        Assert.Equal("register", result.FailedStep);
        Assert.Equal("order.failed", fakes.Events.Last());
        Assert.DoesNotContain("order.completed", fakes.Events);
    }

    [Fact]
    public async Task ProvisionOrder_RetryOfAFailedOrder_RunsUnderItsOwnInstancesAndPublishesNewEvents()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("gone.com", MailProvider.Google)))
        {
            Unavailable = { "gone.com" },
        };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);
        var first = await fakes.RunAsync(host);
        fakes.Unavailable.Clear();

        var retried = await fakes.RunAsync(host, attempt: 1);

        Assert.Equal(("failed", "completed"), (first.Status, retried.Status));
        Assert.Equal(2, retried.DomainsConnected);
        Assert.NotNull(await host.Client.GetInstanceAsync("ord_test:retry:1:gone.com"));
        Assert.NotNull(await host.Client.GetInstanceAsync("ord_test:retry:1:a.com"));
        Assert.Equal(
            ["order.in_progress#0", "order.failed#0", "order.in_progress#1", "order.completed#1"],
            fakes.EventAttempts.Where(e => e.StartsWith("order.", StringComparison.Ordinal))
        );
    }

    [Fact]
    public async Task ProvisionOrder_PermanentProviderError_FailsAtOnceWithoutRetrying()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google))) { ZoneError = new PermanentError("zone quota exceeded") };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

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
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var result = await fakes.RunAsync(host);

        Assert.Equal("completed", result.Status);
        Assert.Equal(3, fakes.ZoneChecks);
        var child = await host.Client.GetOrchestrationHistoryAsync("ord_test:slow.com");
        Assert.Equal(2, child.OfType<TimerFiredEvent>().Count());
    }

    [Fact]
    public async Task ProvisionDomain_ZoneNeverActiveWithinThePropagationBudget_FailsAtZoneActive()
    {
        // The budget comes from the plan (recorded in history): two seconds here (the first poll interval, the shortest
        // a retry policy accepts) instead of a day.
        var plan = Plan(("stuck.com", MailProvider.Google)) with
        {
            PropagationTimeout = TimeSpan.FromSeconds(2),
        };
        var fakes = new ProvisioningFakes(plan) { ZonePendingPolls = int.MaxValue };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var result = await fakes.RunAsync(host);

        Assert.Equal(("failed", "stuck.com", "zone_active"), (result.Status, result.FailedDomain, result.FailedStep));
        Assert.Equal("order.failed", fakes.Events.Last());
        Assert.Contains("pending", result.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ProvisionDomain_PictureNotAccessible_OpensPendingActionAndStillCompletes()
    {
        var fakes = new ProvisioningFakes(Plan(("pic.com", MailProvider.Google))) { BadPictureDomains = { "pic.com" } };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var result = await fakes.RunAsync(host);

        Assert.Equal("completed", result.Status);
        Assert.Single(fakes.PendingActions);
        Assert.Contains("order.action_required", fakes.Events);
    }

    [Fact]
    public async Task ProvisionOrder_SixDomainsParallelismTwo_RunsTwoDomainsAtOnceNeverMore()
    {
        // Each purchase waits until two domains are in flight: provisioned one at a time, each waits in vain (10 s) and the count stays at one.
        var domains = Enumerable.Range(1, 6).Select(i => ($"d{i}.com", MailProvider.Google)).ToArray();
        var fakes = new ProvisioningFakes(Plan(domains) with { MaxParallelDomains = 2 }) { HoldUntilInFlight = 2 };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var result = await fakes.RunAsync(host);
        var parent = await host.Client.GetOrchestrationHistoryAsync("ord_test");

        Assert.Equal("completed", result.Status);
        Assert.Equal(6, result.DomainsConnected);
        Assert.Equal(2, fakes.MaxInFlight);
        Assert.Equal(2, HistoryConcurrency.MaxOutstandingSubOrchestrations(parent, nameof(ProvisionDomainOrchestrator)));
    }
}
