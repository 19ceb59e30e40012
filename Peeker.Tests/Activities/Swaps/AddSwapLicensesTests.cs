using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;
using Peeker.Tests.Activities.Provisioning;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Swaps;

/// <summary>
/// The licences of a Microsoft swap's new inboxes against the Partner Center and Graph simulators: bought once per swap
/// however often the step runs, and given back by <see cref="RevokeLicenses"/> once the old domain's mailboxes are gone.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class AddSwapLicensesTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task RunAsync_RetriedAfterALostAnswer_RaisesTheSubscriptionOnceThenRevokeBringsItBack()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tables = await TestTables.CreateAsync(sandbox.StorageConnectionString);
        var (orders, swaps) = (new OrderStore(tables), new SwapStore(tables, TimeProvider.System));
        var order = await TestOrders.CreateAsync(orders, scope.PartnerId, "old-ms.com");
        var microsoft = sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>();
        var orderRef = new OrderRef(order.Id, scope.Environment, scope.PartnerId);
        var tenant = await new EnsureMicrosoftTenant(microsoft, orders).RunAsync(
            new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id),
            new EnsureTenantInput(orderRef, "old-ms.com", "owner@customer.example", 3)
        );
        var now = TimeProvider.System.GetUtcNow();
        var swap = new Swap(
            Ids.New("swp", TimeProvider.System),
            scope.PartnerId,
            SwapType.Premium,
            order.Domains[0].Id,
            "old-ms.com",
            "fresh-ms.com",
            order.Id,
            "usr_test",
            SwapStatus.InProgress,
            null,
            now,
            now,
            null
        );
        await swaps.CreateAsync(scope.Environment, swap, default);
        var activity = new AddSwapLicenses(swaps, microsoft);
        var input = new AddSwapLicensesInput(new SwapRef(swap.Id, scope.Environment, scope.PartnerId), tenant.CustomerId, 2);

        var first = await activity.RunAsync(new TestActivityContext(nameof(AddSwapLicenses), swap.Id), input);
        var retried = await activity.RunAsync(new TestActivityContext(nameof(AddSwapLicenses), swap.Id + ":retry"), input);
        var raised = Assert.Single(await microsoft.Create(scope).ListSubscriptionsAsync(tenant.CustomerId, default));
        var revoked = await new RevokeLicenses(null!, microsoft).RunAsync(
            new TestActivityContext(nameof(RevokeLicenses), order.Id),
            new RevokeLicensesInput(orderRef, [], tenant.CustomerId)
        );
        var after = Assert.Single(await microsoft.Create(scope).ListSubscriptionsAsync(tenant.CustomerId, default));

        Assert.Equal((5, 5), (first.Quantity, retried.Quantity));
        Assert.Equal(5, raised.Quantity);
        Assert.Equal(5, (await swaps.GetAsync(scope.Environment, scope.PartnerId, swap.Id, default))!.LicensesRaisedTo);
        Assert.Equal(0, revoked.MicrosoftLicensesKept);
        Assert.Equal("suspended", after.Status);
    }
}
