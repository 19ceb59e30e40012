using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
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
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var order = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com", "acme-send.com");
        var webhooks = new RecordingWebhookPublisher();
        return (
            new PublishOrderEvent(orders, webhooks, Credentials(tables), NullLogger<PublishOrderEvent>.Instance),
            webhooks,
            new OrderRef(order.Id, PeekerEnvironment.Test, Partner)
        );
    }

    private static SequencerCredentialStore Credentials(PeekerTables tables) =>
        new(
            tables,
            Options.Create(
                new PeekerOptions { EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) }
            )
        );

    [Theory]
    [InlineData("order.completed")]
    [InlineData("order.cancelled")]
    public async Task RunAsync_OrderEnded_DeletesTheStoredSequencerCredentials(string type)
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var stored = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com");
        var credentials = Credentials(tables);
        await credentials.SaveAsync(
            PeekerEnvironment.Test,
            stored.Id,
            new SequencerCredentials("smartlead", 7, "ops@client.com", "pw"),
            default
        );
        var activity = new PublishOrderEvent(orders, new RecordingWebhookPublisher(), credentials, NullLogger<PublishOrderEvent>.Instance);

        await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), stored.Id),
            new PublishOrderEventInput(new OrderRef(stored.Id, PeekerEnvironment.Test, Partner), type, null, null)
        );

        Assert.Null(await credentials.GetAsync(PeekerEnvironment.Test, stored.Id, default));
    }

    [Fact]
    public async Task RunAsync_OrderFailed_KeepsTheSequencerRoutingForARetry()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var stored = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com");
        var credentials = Credentials(tables);
        await credentials.SaveAsync(
            PeekerEnvironment.Test,
            stored.Id,
            new SequencerCredentials("smartlead", 7, "ops@client.com", "pw"),
            default
        );
        var activity = new PublishOrderEvent(orders, new RecordingWebhookPublisher(), credentials, NullLogger<PublishOrderEvent>.Instance);

        await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), stored.Id),
            new PublishOrderEventInput(new OrderRef(stored.Id, PeekerEnvironment.Test, Partner), "order.failed", "verify", null)
        );

        Assert.Equal(7, (await credentials.GetAsync(PeekerEnvironment.Test, stored.Id, default))?.ClientId);
    }

    [Fact]
    public async Task RunAsync_SameEventOfARetryAttempt_IsANewEvent()
    {
        var (activity, webhooks, order) = await ArrangeAsync();

        await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), order.OrderId),
            new PublishOrderEventInput(order, "order.failed", "verify", null)
        );
        await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), order.OrderId + ":retry:1"),
            new PublishOrderEventInput(order, "order.failed", "verify", null) { Attempt = 1 }
        );

        Assert.Equal(
            [$"{order.OrderId}:order.failed", $"{order.OrderId}:order.failed:retry1"],
            webhooks.Published.Select(p => p.IdempotencyKey)
        );
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
    public async Task RunAsync_OrderFailedWithInternalProviderText_PartnersSeeOnlyTheStableCode()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var stored = await TestOrders.CreateAsync(orders, Partner, "acme-mail.com");
        var order = new OrderRef(stored.Id, PeekerEnvironment.Test, Partner);
        var webhooks = new RecordingWebhookPublisher();
        var activity = new PublishOrderEvent(orders, webhooks, Credentials(tables), NullLogger<PublishOrderEvent>.Instance);
        const string Internal =
            "Namecheap authentication or whitelist error: 1011102 ApiKey sk_live_9f8e7d6c5b4a3210 rejected from 10.0.3.17 (nc-prod-api-2)";

        await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), stored.Id),
            new PublishOrderEventInput(order, "order.failed", "register", "acme-mail.com: " + Internal)
        );
        var payload = JsonSerializer.Serialize(Assert.Single(webhooks.Published).Data, PeekerJson.Options);
        // What GET /orders/{id} returns: the view of the stored order.
        var view = JsonSerializer.Serialize(
            OrderView.Of((await orders.GetByIdAsync(PeekerEnvironment.Test, stored.Id, default))!),
            PeekerJson.Options
        );

        foreach (var json in new[] { payload, view })
        {
            foreach (var leak in new[] { "sk_live_9f8e7d6c5b4a3210", "10.0.3.17", "nc-prod-api-2", "1011102", "Namecheap" })
            {
                Assert.DoesNotContain(leak, json, StringComparison.OrdinalIgnoreCase);
            }

            var failure = JsonDocument.Parse(json).RootElement.GetProperty("failure");
            Assert.Equal(OrderFailureCodes.RegistrarFailed, failure.GetProperty("code").GetString());
            Assert.Equal(OrderFailureCodes.Messages[OrderFailureCodes.RegistrarFailed], failure.GetProperty("message").GetString());
            Assert.Equal(
                ("register", "acme-mail.com"),
                (failure.GetProperty("step").GetString(), failure.GetProperty("domain").GetString())
            );
        }
    }

    [Theory]
    [InlineData("register", "acme-mail.com: not_available", OrderFailureCodes.DomainUnavailable)]
    [InlineData("tenants", "Partner Center 500 at https://internal.example/x", OrderFailureCodes.MailTenantFailed)]
    [InlineData("zone_active", "acme-mail.com: zone pending", OrderFailureCodes.DnsNotActive)]
    [InlineData("sequencer", "acme-mail.com: Smartlead 401 api_key=abc", OrderFailureCodes.SequencerFailed)]
    [InlineData("connected", "acme-mail.com: table 412", OrderFailureCodes.InternalError)]
    [InlineData(null, null, OrderFailureCodes.InternalError)]
    public void OrderFailureCodes_Of_MapsTheStepToAStableCode(string? step, string? detail, string code)
    {
        var failure = OrderFailureCodes.Of(step, detail, ["acme-mail.com"]);

        Assert.Equal(code, failure.Code);
        Assert.Equal(OrderFailureCodes.Messages[code], failure.Message);
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

        var first = await activity.RunAsync(
            context,
            new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, ["dom_b", "dom_a"])
        );
        var firstRetried = await activity.RunAsync(
            new TestActivityContext(nameof(PublishOrderEvent), order.OrderId + ":cancel:retry"),
            new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, ["dom_a", "dom_b"])
        );
        var second = await activity.RunAsync(context, new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, ["dom_c"]));

        Assert.Equal(first.EventId, firstRetried.EventId);
        Assert.NotEqual(first.EventId, second.EventId);
    }
}
