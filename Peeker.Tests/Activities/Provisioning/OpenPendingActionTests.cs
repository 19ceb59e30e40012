using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Functions.PartnerApi;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>A pending action and its event come from the problem itself, not from the engine task that reports it.</summary>
public sealed class OpenPendingActionTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_openpendingaction";

    [Fact]
    public async Task RunAsync_SameProblemFromAnotherTask_KeepsOneActionAndOneEvent()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var actions = new PendingActionStore(tables);
        var webhooks = new RecordingWebhookPublisher();
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com");
        var domain = order.Domains[0];
        var activity = new OpenPendingAction(orders, actions, webhooks, new RecordingWorkflows(), new FakeTimeProvider());
        var input = new OpenPendingActionInput(
            new OrderRef(order.Id, PeekerEnvironment.Test, Partner),
            domain.Id,
            domain.Domain,
            "ada@acme-mail.com",
            CreateInbox.PictureNotAccessible
        );

        var first = await activity.RunAsync(new TestActivityContext(nameof(OpenPendingAction), order.Id), input);
        var retried = await activity.RunAsync(new TestActivityContext(nameof(OpenPendingAction), order.Id + ":rerun"), input);
        var open = await actions.ListAsync(
            PeekerEnvironment.Test,
            Partner,
            new PendingActionFilter(order.Id, null, null, "open"),
            new PageRequest(100, null),
            default
        );

        Assert.Equal(first.PendingActionId, retried.PendingActionId);
        Assert.Equal(first.PendingActionId, Assert.Single(open.Items).Id);
        Assert.Single(webhooks.Published.Select(p => p.EventId).Distinct());
    }

    [Fact]
    public async Task RunAsync_OtherMailboxOfTheSameDomain_IsAnotherAction()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var webhooks = new RecordingWebhookPublisher();
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com");
        var domain = order.Domains[0];
        var activity = new OpenPendingAction(
            orders,
            new PendingActionStore(tables),
            webhooks,
            new RecordingWorkflows(),
            new FakeTimeProvider()
        );
        var context = new TestActivityContext(nameof(OpenPendingAction), order.Id);
        var orderRef = new OrderRef(order.Id, PeekerEnvironment.Test, Partner);

        var ada = await activity.RunAsync(
            context,
            new OpenPendingActionInput(orderRef, domain.Id, domain.Domain, "ada@acme-mail.com", CreateInbox.PictureNotAccessible)
        );
        var adaL = await activity.RunAsync(
            context,
            new OpenPendingActionInput(orderRef, domain.Id, domain.Domain, "ada.l@acme-mail.com", CreateInbox.PictureNotAccessible)
        );

        Assert.NotEqual(ada.PendingActionId, adaL.PendingActionId);
        Assert.Equal(2, webhooks.Published.Select(p => p.EventId).Distinct().Count());
    }
}
