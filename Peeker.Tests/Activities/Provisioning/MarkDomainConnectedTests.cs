using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
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
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com", "acme-send.com");
        var webhooks = new RecordingWebhookPublisher();
        var activity = new MarkDomainConnected(orders, new DomainStore(tables), webhooks);
        var orderRef = new OrderRef(order.Id, PeekerEnvironment.Test, Partner);
        MarkDomainConnectedInput Input(OrderDomain d) => new(orderRef, d.Id, d.Domain, MailProvider.Google, null, [$"ada@{d.Domain}"]);

        var first = await activity.RunAsync(
            new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":domain-1"),
            Input(order.Domains[0])
        );
        var retried = await activity.RunAsync(
            new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":domain-1:rerun"),
            Input(order.Domains[0])
        );
        var other = await activity.RunAsync(
            new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":domain-2"),
            Input(order.Domains[1])
        );

        Assert.Equal(first.EventId, retried.EventId);
        Assert.NotEqual(first.EventId, other.EventId);
        var stored = await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default);
        Assert.All(stored!.Domains, d => Assert.Equal("connected", d.Status));
    }

    [Fact]
    public async Task RunAsync_ProvisioningRow_BecomesActive_AndStaysActiveOnRetry()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var (orders, domains) = (new OrderStore(tables), new DomainStore(tables));
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-live.com");
        await SaveRowsAsync(domains, order);
        var activity = new MarkDomainConnected(orders, domains, new RecordingWebhookPublisher());
        var input = new MarkDomainConnectedInput(
            new OrderRef(order.Id, PeekerEnvironment.Test, Partner),
            order.Domains[0].Id,
            "acme-live.com",
            MailProvider.Google,
            null,
            ["ada@acme-live.com"]
        );

        await activity.RunAsync(new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":1"), input);
        await activity.RunAsync(new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":1:rerun"), input);

        var row = await domains.GetAsync(PeekerEnvironment.Test, Partner, order.Domains[0].Id, default);
        Assert.Equal((DomainStatus.Active, "connected"), (row!.Status, row.Category));
    }

    [Fact]
    public async Task RunAsync_CancellationAcceptedMeanwhile_RowKeepsCancelScheduled()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var (orders, domains) = (new OrderStore(tables), new DomainStore(tables));
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-late.com");
        await SaveRowsAsync(domains, order);
        await domains.SetStatusAsync(PeekerEnvironment.Test, Partner, order.Domains[0].Id, DomainStatus.CancelScheduled, default);
        var activity = new MarkDomainConnected(orders, domains, new RecordingWebhookPublisher());

        await activity.RunAsync(
            new TestActivityContext(nameof(MarkDomainConnected), order.Id + ":1"),
            new MarkDomainConnectedInput(
                new OrderRef(order.Id, PeekerEnvironment.Test, Partner),
                order.Domains[0].Id,
                "acme-late.com",
                MailProvider.Google,
                null,
                []
            )
        );

        var row = await domains.GetAsync(PeekerEnvironment.Test, Partner, order.Domains[0].Id, default);
        Assert.Equal(DomainStatus.CancelScheduled, row!.Status);
    }

    private static Task SaveRowsAsync(DomainStore domains, Order order) =>
        domains.SaveAsync(
            PeekerEnvironment.Test,
            Partner,
            [
                .. order.Domains.Select(d => new DomainRecord(
                    d.Id,
                    d.Domain,
                    "connected",
                    d.Status,
                    d.Provider,
                    order.UserId,
                    order.Id,
                    ["google"],
                    null,
                    order.CreatedAt
                )),
            ],
            default
        );
}
