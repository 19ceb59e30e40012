using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Durable.Retries;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>Provisioning loads only orders that are still <c>in_progress</c>; a rolled-back order is never provisioned.</summary>
public sealed class LoadOrderPlanTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_loadorderplan";

    [Fact]
    public async Task RunAsync_ForProvisioningAnOrderThatFailed_IsRefusedWithoutRetries()
    {
        var orders = new OrderStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var order = await TestOrders.CreateAsync(orders, Partner, "rolled-back.com");
        await orders.SetStatusAsync(PeekerEnvironment.Test, order.Id, OrderStatus.Failed, default);
        var activity = new LoadOrderPlan(orders, Options.Create(new ProvisioningOptions()));

        await Assert.ThrowsAsync<NonRetriableTaskException>(() =>
            activity.RunAsync(
                new TestActivityContext(nameof(LoadOrderPlan), order.Id),
                new LoadOrderPlanInput(order.Id, PeekerEnvironment.Test) { RequireInProgress = true }
            )
        );
        var forCancellation = await activity.RunAsync(
            new TestActivityContext(nameof(LoadOrderPlan), order.Id + ":cancel"),
            new LoadOrderPlanInput(order.Id, PeekerEnvironment.Test)
        );

        Assert.Equal(Partner, forCancellation.PartnerId);
    }

    [Fact]
    public async Task RunAsync_ForProvisioningAnOrderInProgress_LoadsItsPlan()
    {
        var orders = new OrderStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var order = await TestOrders.CreateAsync(orders, Partner, "placed.com");

        var plan = await new LoadOrderPlan(orders, Options.Create(new ProvisioningOptions())).RunAsync(
            new TestActivityContext(nameof(LoadOrderPlan), order.Id),
            new LoadOrderPlanInput(order.Id, PeekerEnvironment.Test) { RequireInProgress = true }
        );

        Assert.Equal("placed.com", Assert.Single(plan.Domains).Domain);
    }

    [Fact]
    public async Task RunAsync_ForASandboxOrder_UsesTheSandboxPropagationBudget()
    {
        var orders = new OrderStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var order = await TestOrders.CreateAsync(orders, Partner, "rehearsal.com");
        var options = new ProvisioningOptions { Sandbox = { PropagationBudget = TimeSpan.FromSeconds(90) } };

        var plan = await new LoadOrderPlan(orders, Options.Create(options)).RunAsync(
            new TestActivityContext(nameof(LoadOrderPlan), order.Id),
            new LoadOrderPlanInput(order.Id, PeekerEnvironment.Test)
        );

        Assert.Equal(TimeSpan.FromSeconds(90), plan.PropagationTimeout);
    }

    [Fact]
    public void PropagationBudgetFor_LiveOrders_KeepTheLiveBudget_AndTheSandboxDefaultIsMinutes()
    {
        var options = new ProvisioningOptions();

        Assert.Equal(TimeSpan.FromHours(24), options.PropagationBudgetFor(PeekerEnvironment.Live));
        Assert.Equal(TimeSpan.FromMinutes(3), options.PropagationBudgetFor(PeekerEnvironment.Test));
    }
}
