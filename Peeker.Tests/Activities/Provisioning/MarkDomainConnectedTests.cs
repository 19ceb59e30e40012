using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary><c>domain.connected</c> is one event per domain of an order, whichever engine task publishes it.</summary>
public sealed class MarkDomainConnectedTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_markdomainconnected";

    [Fact]
    public async Task RunAsync_SameDomainFromAnotherTask_PublishesTheSameEvent_OtherDomainAnother()
    {
        var orders = new OrderStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com", "acme-send.com");
        var webhooks = new RecordingWebhookPublisher();
        var activity = new MarkDomainConnected(orders, webhooks);
        var orderRef = new OrderRef(order.Id, PeekerEnvironment.Test, Partner);
        MarkDomainConnectedInput Input(OrderDomain d) => new(orderRef, d.Id, d.Domain, MailProvider.Google, null, [$"ada@{d.Domain}"]);

        var first = await activity.RunAsync(new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":domain-1"), Input(order.Domains[0]));
        var retried = await activity.RunAsync(new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":domain-1:rerun"), Input(order.Domains[0]));
        var other = await activity.RunAsync(new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":domain-2"), Input(order.Domains[1]));

        Assert.Equal(first.EventId, retried.EventId);
        Assert.NotEqual(first.EventId, other.EventId);
        var stored = await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default);
        Assert.All(stored!.Domains, d => Assert.Equal("connected", d.Status));
    }
}
