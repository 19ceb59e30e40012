using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>A cancellation lowers the order's costs from its date: partial ones, then the whole order, add up.</summary>
public sealed class ReleaseDomainsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_releasedomains";

    [Fact]
    public async Task RunAsync_PartialThenWhole_LowersCostsPerDomainOnceAndEndsAtZero()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var order = await CreateAsync(orders);
        var activity = new ReleaseDomains(orders, new DomainStore(tables));
        var orderRef = new OrderRef(order.Id, PeekerEnvironment.Test, Partner);
        var context = new TestActivityContext(nameof(ReleaseDomains), order.Id);

        await activity.RunAsync(context, new ReleaseDomainsInput(orderRef, [order.Domains[0].Id]));
        await activity.RunAsync(context, new ReleaseDomainsInput(orderRef, [order.Domains[0].Id]));
        var afterGoogle = (await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default))!.Costs;
        await activity.RunAsync(context, new ReleaseDomainsInput(orderRef, [order.Domains[2].Id]));
        var afterMicrosoft = (await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default))!.Costs;
        var whole = await activity.RunAsync(context, new ReleaseDomainsInput(orderRef, [.. order.Domains.Select(d => d.Id)]));
        var afterAll = (await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default))!.Costs;

        // 2 Google domains × 2 licences at 100, 1 Microsoft domain at 900, 2 registrations for 2,400 (the order keeps no per-name price: 1,200 each).
        Assert.Equal([("google_license", 2, 200L), ("microsoft_license", 1, 900L), ("domain_registration", 1, 1200L)], Lines(afterGoogle));
        Assert.Equal(2300, afterGoogle.TotalCents);
        Assert.Equal([("google_license", 2, 200L), ("microsoft_license", 0, 0L), ("domain_registration", 1, 1200L)], Lines(afterMicrosoft));
        Assert.Equal(0, afterAll.TotalCents);
        Assert.All(afterAll.LineItems, l => Assert.Equal((0, 0L), (l.Quantity, l.AmountCents)));
        Assert.True(whole.WholeOrder);
    }

    private static List<(string, int, long)> Lines(OrderCosts costs) =>
        [.. costs.LineItems.Select(l => (l.Type, l.Quantity, l.AmountCents))];

    private static async Task<Order> CreateAsync(OrderStore orders)
    {
        var now = TimeProvider.System.GetUtcNow();
        var lines = new List<LineItem>
        {
            new("google_license", 4, 400),
            new("microsoft_license", 1, 900),
            new("domain_registration", 2, 2400),
        };
        var order = new Order(
            Ids.New("ord", TimeProvider.System),
            Partner,
            "usr_test",
            "owner@customer.example",
            null,
            OrderStatus.Completed,
            GoogleLicenses: 4,
            MicrosoftLicenses: 1,
            GoogleInboxesPerDomain: 2,
            SequencerClientId: null,
            ForwardingUrl: null,
            new OrderCosts(3700, "usd", lines),
            [
                new OrderDomain(Ids.New("dom", TimeProvider.System), "g1-release.com", "google", "registered", null, "connected"),
                new OrderDomain(Ids.New("dom", TimeProvider.System), "g2-release.com", "google", "registered", null, "connected"),
                new OrderDomain(Ids.New("dom", TimeProvider.System), "m1-release.com", "microsoft", "imported", null, "connected"),
            ],
            [new Persona("Ada", "Lovelace", null)],
            now.AddMonths(1),
            now,
            null
        );
        await orders.CreateAsync(PeekerEnvironment.Test, order, default);
        return order;
    }
}
