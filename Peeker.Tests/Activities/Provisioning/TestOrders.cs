using Peeker.Activities.Common;
using Peeker.Activities.Orders;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>Stored orders for activity tests: each call makes a new order id, so tests sharing an Azurite never meet.</summary>
public static class TestOrders
{
    /// <summary>Stores an in-progress test order of <paramref name="partnerId"/> with <paramref name="domains"/> (Google, registered).</summary>
    public static Task<Order> CreateAsync(OrderStore orders, string partnerId, params string[] domains) =>
        CreateAsync(orders, PeekerEnvironment.Test, partnerId, domains);

    /// <summary>Stores an in-progress order in <paramref name="environment"/>.</summary>
    public static async Task<Order> CreateAsync(OrderStore orders, PeekerEnvironment environment, string partnerId, params string[] domains)
    {
        var now = TimeProvider.System.GetUtcNow();
        var order = new Order(
            Ids.New("ord", TimeProvider.System),
            partnerId,
            "usr_test",
            "owner@customer.example",
            null,
            OrderStatus.InProgress,
            GoogleLicenses: 2 * domains.Length,
            MicrosoftLicenses: 0,
            GoogleInboxesPerDomain: 2,
            SequencerClientId: null,
            ForwardingUrl: null,
            new OrderCosts(0, "USD", []),
            [.. domains.Select(d => new OrderDomain(Ids.New("dom", TimeProvider.System), d, "google", "registered", null, "provisioning"))],
            [new Persona("Ada", "Lovelace", "https://pictures.example/ada.png")],
            now.AddMonths(1),
            now,
            null
        );
        await orders.CreateAsync(environment, order, default);
        return order;
    }
}
