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
        var input = new EnsureTenantInput(new OrderRef(order.Id, scope.Environment, scope.PartnerId), "acme-mail.com", "owner@customer.example", 3);

        // The first attempt bought the licences but its answer was lost; the retry runs as another engine task.
        var first = await activity.RunAsync(new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id), input);
        var retried = await activity.RunAsync(new TestActivityContext(nameof(EnsureMicrosoftTenant), order.Id + ":retry"), input);

        Assert.Equal(first, retried);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftCustomer));
        var sku = Assert.Single(await microsoft.Create(scope).GetSubscribedSkusAsync(retried.TenantId!, default));
        Assert.Equal(3, sku.Enabled);
        Assert.Equal(retried.CustomerId, (await orders.GetByIdAsync(scope.Environment, order.Id, default))!.MicrosoftTenantId);
    }
}
