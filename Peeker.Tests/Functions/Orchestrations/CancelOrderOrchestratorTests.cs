using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;
using static Peeker.Tests.Functions.Orchestrations.ProvisioningFakes;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// CancelOrder in the real engine (DTFx on Azurite) with the provisioning fakes. Its timer is real time, so
/// <c>cancels_at</c> is seconds away (or already past) instead of the end of a month.
/// </summary>
public sealed class CancelOrderOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task CancelOrder_PartialCancellation_WaitsForCancelsAtThenDeletesZonesAndReleases()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google), ("b.com", MailProvider.Google)));
        await using var host = await fakes.StartAsync(azurite.ConnectionString);
        var now = DateTime.UtcNow;
        var cancelsAt = new DateTime(now.Ticks - now.Ticks % TimeSpan.TicksPerSecond, DateTimeKind.Utc).AddSeconds(3);

        var done = await CancelAsync(host, ["dom_1"], cancelsAt);
        var history = (await host.Client.GetOrchestrationHistoryAsync(done.InstanceId)).ToList();

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["b.com"], done.ReadOutputAs<CancelOrderResult>()!.Cancelled);
        Assert.Equal(["order.cancel_scheduled", "order.cancelled"], fakes.Events);
        Assert.Equal(["b.com"], fakes.DeletedZones);
        Assert.Equal(["dom_1"], fakes.Released);
        Assert.Equal(cancelsAt, history.OfType<TimerCreatedEvent>().Single().FireAt);
        var timerFired = history.FindIndex(e => e is TimerFiredEvent);
        var deleteScheduled = history.FindIndex(e => e is TaskScheduledEvent { Name: nameof(DeleteZone) });
        Assert.True(timerFired >= 0 && timerFired < deleteScheduled, "zones must be deleted only after cancels_at");
    }

    [Fact]
    public async Task CancelOrder_WholeOrder_WaitsForProvisioningThenDeletesMailboxesBeforeZonesThenRevokesLicencesOnce()
    {
        var fakes = new ProvisioningFakes(
            Plan(("a.com", MailProvider.Google), ("c.com", MailProvider.Microsoft)) with
            {
                MicrosoftTenantId = "tenant-1",
            }
        )
        {
            ProvisioningPolls = 2,
        };
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var done = await CancelAsync(host, null, DateTime.UtcNow.AddMinutes(-1));

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
        var fakes = new ProvisioningFakes(
            Plan(("a.com", MailProvider.Google), ("c.com", MailProvider.Microsoft)) with
            {
                MicrosoftTenantId = "tenant-1",
            }
        );
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var done = await CancelAsync(host, ["dom_0"], DateTime.UtcNow.AddMinutes(-1));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["settled", "inboxes:a.com:tenant-1", "zone:a.com", "licences:a.com:-"], fakes.UndoQueue);
        Assert.Equal(["dom_0"], fakes.Released);
    }

    [Fact]
    public async Task CancelOrder_StartedWithTheSmartleadStep_RemovesEachDomainsSmartleadAccountsBeforeItsMailboxes()
    {
        var fakes = new ProvisioningFakes(Plan(("a.com", MailProvider.Google)));
        await using var host = await fakes.StartAsync(azurite.ConnectionString);

        var done = await CancelAsync(host, null, DateTime.UtcNow.AddMinutes(-1), removesSequencerAccounts: true);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal(["settled", "sequencer:a.com", "inboxes:a.com:-", "zone:a.com", "licences:a.com:-"], fakes.UndoQueue);
    }

    private static async Task<OrchestrationMetadata> CancelAsync(
        DurableTestHost host,
        IReadOnlyList<string>? domainIds,
        DateTime cancelsAt,
        bool removesSequencerAccounts = false
    )
    {
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(
            nameof(CancelOrderOrchestrator),
            new CancelOrderInput("ord_test", PeekerEnvironment.Test, domainIds, cancelsAt)
            {
                RemovesSequencerAccounts = removesSequencerAccounts,
            },
            new StartOrchestrationOptions("ord_test:cancel")
        );
        return await host.WaitAsync(id);
    }
}
