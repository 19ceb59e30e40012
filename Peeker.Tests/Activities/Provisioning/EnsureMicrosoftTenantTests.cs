using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>The Microsoft tenant activity against the Partner Center simulator, which deduplicates by <c>MS-RequestId</c> as Partner Center does.</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class EnsureMicrosoftTenantTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task RunAsync_RetriedAfterALostAnswer_KeepsOneCustomerAndBuysTheLicencesOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var orders = new OrderStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        var order = await TestOrders.CreateAsync(orders, scope.PartnerId, "acme-mail.com");
        var microsoft = sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>();
        var activity = new EnsureMicrosoftTenant(microsoft, orders);
        var input = new EnsureTenantInput(
            new OrderRef(order.Id, scope.Environment, scope.PartnerId),
            "acme-mail.com",
            "owner@customer.example",
            3
        );

        // The first attempt bought the licences but its answer was lost; the retry runs as another engine task.
        var first = await activity.RunAsync(new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id), input);
        var retried = await activity.RunAsync(new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id + ":retry"), input);

        Assert.Equal(first, retried);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftCustomer));
        var sku = Assert.Single(await microsoft.Create(scope).GetSubscribedSkusAsync(retried.TenantId!, default));
        Assert.Equal(3, sku.Enabled);
        Assert.Equal(retried.CustomerId, (await orders.GetByIdAsync(scope.Environment, order.Id, default))!.MicrosoftTenantId);
    }

    [Fact]
    public async Task RunAsync_CreateAndCheckoutAnswersLost_ReusesTheOrdersCustomerAndBuysTheLicencesOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var orders = new OrderStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        var order = await TestOrders.CreateAsync(orders, scope.PartnerId, "acme-lost.com");
        var microsoft = sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>();
        var activity = new EnsureMicrosoftTenant(microsoft, orders);
        // "lostanswer" in the billing email: Partner Center creates the customer, and later checks out the cart, but
        // both answers are lost with their MS-RequestId records (as when the process dies mid-call).
        var input = new EnsureTenantInput(
            new OrderRef(order.Id, scope.Environment, scope.PartnerId),
            "acme-lost.com",
            "lostanswer@customer.example",
            3
        );

        var result = await activity.RunAsync(new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id), input);
        var retried = await activity.RunAsync(new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id + ":retry"), input);

        Assert.Equal(result, retried);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftCustomer));
        var sku = Assert.Single(await microsoft.Create(scope).GetSubscribedSkusAsync(result.TenantId!, default));
        Assert.Equal(3, sku.Enabled);
        Assert.Equal(result.CustomerId, (await orders.GetByIdAsync(scope.Environment, order.Id, default))!.MicrosoftTenantId);
    }

    [Fact]
    public async Task RunAsync_RequestIdsForgotten_FindsTheOrdersCustomerAndDoesNotBuyAgain()
    {
        var scope = SandboxServerFixture.NewPartner();
        var orders = new OrderStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        var order = await TestOrders.CreateAsync(orders, scope.PartnerId, "acme-forgot.com");
        var microsoft = sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>();
        var client = microsoft.Create(scope);
        // An earlier try created the order's customer and bought its licences, under request ids Partner Center no longer remembers.
        var earlier = await client.CreateCustomerAsync(
            new MicrosoftCustomerInput(
                EnsureMicrosoftTenant.InitialDomainPrefix(order.Id),
                order.Id,
                "owner@customer.example",
                "Peeker",
                "Provisioning",
                "1 Main Street",
                "Austin",
                "TX",
                "78701",
                "US",
                "+15125550100"
            ),
            "forgotten-customer",
            default
        );
        await client.PurchaseLicensesAsync(earlier.CustomerId, EnsureMicrosoftTenant.CatalogItemId, 3, "forgotten-licenses", default);
        var input = new EnsureTenantInput(
            new OrderRef(order.Id, scope.Environment, scope.PartnerId),
            "acme-forgot.com",
            "owner@customer.example",
            3
        );

        var result = await new EnsureMicrosoftTenant(microsoft, orders).RunAsync(
            new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id),
            input
        );

        Assert.Equal(
            (earlier.CustomerId, earlier.TenantId, earlier.InitialDomain),
            (result.CustomerId, result.TenantId, result.InitialDomain)
        );
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftCustomer));
        Assert.Equal(3, Assert.Single(await client.GetSubscribedSkusAsync(result.TenantId!, default)).Enabled);
    }
}
