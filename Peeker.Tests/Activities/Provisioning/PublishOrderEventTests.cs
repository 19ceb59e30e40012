using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>Order events keep one event id per business event, whichever engine task publishes them.</summary>
public sealed class PublishOrderEventTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_publishorderevent";

    private async Task<(PublishOrderEvent Activity, RecordingWebhookPublisher Webhooks, OrderRef Order)> ArrangeAsync()
    {
        var orders = new OrderStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com", "acme-send.com");
        var webhooks = new RecordingWebhookPublisher();
        return (new PublishOrderEvent(orders, webhooks), webhooks, new OrderRef(order.Id, PeekerEnvironment.Test, Partner));
    }

    [Fact]
    public async Task RunAsync_SameOrderAndTypeFromAnotherTask_PublishesTheSameEvent()
    {
        var (activity, webhooks, order) = await ArrangeAsync();
        var input = new PublishOrderEventInput(order, "order.completed", null, null);

        var first = await activity.RunAsync(new TestActivityContext(nameof(PublishOrderEvent), order.OrderId), input);
        // A durable retry or a redelivery runs as another task, possibly of another instance (a rerun of the order).
        var retried = await activity.RunAsync(new TestActivityContext(nameof(PublishOrderEvent), order.OrderId + ":rerun"), input);

        Assert.Equal(first.EventId, retried.EventId);
        Assert.Equal(OrderStatus.Completed, retried.Status);
        Assert.All(webhooks.Published, p => Assert.Equal($"{order.OrderId}:order.completed", p.IdempotencyKey));
    }

    [Fact]
    public async Task RunAsync_OtherTypeOfTheSameOrder_IsAnotherEvent()
    {
        var (activity, _, order) = await ArrangeAsync();
        var context = new TestActivityContext(nameof(PublishOrderEvent), order.OrderId);

        var started = await activity.RunAsync(context, new PublishOrderEventInput(order, "order.in_progress", null, null));
        var completed = await activity.RunAsync(context, new PublishOrderEventInput(order, "order.completed", null, null));

        Assert.NotEqual(started.EventId, completed.EventId);
    }

    [Fact]
    public async Task RunAsync_TwoPartialCancellationsOfOneOrder_AreTwoEvents_EachStableUnderRetry()
    {
        var (activity, _, order) = await ArrangeAsync();
        var context = new TestActivityContext(nameof(PublishOrderEvent), order.OrderId + ":cancel");

        var first = await activity.RunAsync(context, new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, ["dom_b", "dom_a"]));
        var firstRetried = await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), order.OrderId + ":cancel:retry"),
            new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, ["dom_a", "dom_b"]));
        var second = await activity.RunAsync(context, new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, ["dom_c"]));

        Assert.Equal(first.EventId, firstRetried.EventId);
        Assert.NotEqual(first.EventId, second.EventId);
    }
}
