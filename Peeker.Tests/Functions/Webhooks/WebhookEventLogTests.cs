using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

public sealed class WebhookEventLogTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = WebhookTestHost.Partner;

    [Fact]
    public async Task Publish_NoEndpoint_StoredAwaitingThenDeliveredWhenEndpointSetWithinTheWindow()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        // A window the test cannot outlast: the delivery must come from the endpoint being saved, not from a timeout.
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            endpointWindow: TimeSpan.FromHours(1)
        );

        var eventId = await host.PublishAsync();
        await host.WaitForEventStatusAsync(eventId, WebhookEventStatus.AwaitingEndpoint);
        var undelivered = await host.EventLog.ListAsync(
            PeekerEnvironment.Test,
            Partner,
            new WebhookEventFilter(Delivered: false),
            new PageRequest(25, null),
            CancellationToken.None
        );
        Assert.Equal([eventId], undelivered.Items.Select(e => e.Id));
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
        var woken = await host.EventLog.WakeAwaitingAsync(PeekerEnvironment.Test, Partner, CancellationToken.None);
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(1, woken);
        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 1), result);
        Assert.Equal(eventId, Assert.Single(receiver.Requests).Headers["Peeker-Event-Id"]);
    }

    [Fact]
    public async Task Publish_NoEndpointThroughTheWindow_EndsUndeliveredAfterWaitingForIt()
    {
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());

        var eventId = await host.PublishAsync();
        await host.WaitForEventStatusAsync(eventId, WebhookEventStatus.AwaitingEndpoint);
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(DeliverWebhookOutcome.NoEndpoint, result.Outcome);
        var instance = (await host.Durable.Client.GetInstanceAsync(eventId))!;
        Assert.True(
            instance.LastUpdatedAt - instance.CreatedAt >= WebhookTestHost.EndpointWindow,
            "the delivery gave up before the endpoint window ended"
        );
        Assert.False((await host.Events.GetAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None))!.Delivered);
    }

    [Fact]
    public async Task Redeliver_DeliveredEvent_SendsSameIdAndBodyAsASecondRun()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
        var eventId = await host.PublishAsync();
        await host.WaitForDeliveryAsync(eventId);

        var redelivered = await host.EventLog.RedeliverAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None);
        await host.Durable.WaitForStatusAsync(eventId, OrchestrationRuntimeStatus.Completed);
        await host.WaitForEventStatusAsync(eventId, WebhookEventStatus.Delivered);

        Assert.NotNull(redelivered);
        var requests = receiver.Requests.ToList();
        Assert.Equal(2, requests.Count);
        Assert.Equal(requests[0].Headers["Peeker-Event-Id"], requests[1].Headers["Peeker-Event-Id"]);
        Assert.Equal(requests[0].Body, requests[1].Body);
        var details = await host.DetailsAsync(eventId);
        Assert.Equal([(1, 1), (2, 1)], details.Attempts.Select(a => (a.Run, a.Number)));
        var input = (await host.Durable.Client.GetInstanceAsync(eventId, getInputsAndOutputs: true))!.ReadInputAs<DeliverWebhookInput>()!;
        Assert.Equal(2, input.Run);
        Assert.Equal(WebhookTestHost.Schedule, input.Schedule);
    }

    [Fact]
    public async Task Redeliver_WhileWaitingForRetry_AttemptsNowWithoutWaitingForTheTimer()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, c) => WebhookReceiver.Status(c, n == 1 ? 500 : 200));
        // The spec's schedule: the second attempt is due in 5 minutes, so only the redelivery can make it now.
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            schedule: WebhookOptions.DefaultRetrySchedule
        );
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
        var eventId = await host.PublishAsync();
        await host.WaitForEventStatusAsync(eventId, WebhookEventStatus.Retrying);

        await host.EventLog.RedeliverAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None);
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 2), result);
        var details = await host.DetailsAsync(eventId);
        Assert.Equal([500, 200], details.Attempts.Select(a => a.StatusCode));
        Assert.True(
            details.Attempts[1].AttemptedAt - details.Attempts[0].AttemptedAt < WebhookOptions.DefaultRetrySchedule[1],
            "the second attempt waited for its timer"
        );
        Assert.Equal(2, details.Event.AttemptCount);
    }

    [Fact]
    public async Task Redeliver_UnknownOrOtherPartnersEvent_ReturnsNull()
    {
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        var eventId = await host.PublishAsync();

        Assert.Null(
            await host.EventLog.RedeliverAsync(PeekerEnvironment.Test, Partner, "evt_01JTRX5Q8M3K7V2N9C4B6D1F0H", CancellationToken.None)
        );
        Assert.Null(await host.EventLog.RedeliverAsync(PeekerEnvironment.Test, "org_other", eventId, CancellationToken.None));
        Assert.Null(await host.EventLog.RedeliverAsync(PeekerEnvironment.Live, Partner, eventId, CancellationToken.None));
    }

    [Fact]
    public async Task HostRestartMidSchedule_NewHostOverSameTables_KeepsEventAndAttemptsAndRedelivers()
    {
        var prefix = WebhookTestHost.NewPrefix();
        var healthy = false;
        await using var receiver = await WebhookReceiver.StartAsync(
            (_, c) => WebhookReceiver.Status(c, Volatile.Read(ref healthy) ? 200 : 503)
        );
        string eventId;
        await using (var first = await WebhookTestHost.StartAsync(azurite.ConnectionString, prefix))
        {
            await first.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
            eventId = await first.PublishAsync();
            await first.WaitForEventStatusAsync(eventId, WebhookEventStatus.Retrying);
        }

        Volatile.Write(ref healthy, true);
        await using var second = await WebhookTestHost.StartAsync(azurite.ConnectionString, prefix);
        var before = (await second.EventLog.GetAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None))!;
        await second.EventLog.RedeliverAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None);
        var result = await second.WaitForDeliveryAsync(eventId);

        Assert.NotEmpty(before.Attempts);
        Assert.False(before.Event.Delivered);
        Assert.Equal(DeliverWebhookOutcome.Delivered, result.Outcome);
        Assert.All(receiver.Requests, r => Assert.Equal(eventId, r.Headers["Peeker-Event-Id"]));
        Assert.Single(receiver.Requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        Assert.True((await second.Events.GetAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None))!.Delivered);
    }

    [Fact]
    public async Task List_FiltersByTypeOrderAndDelivered_AndPages()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        // Event ids are ULIDs: ordered by their millisecond, so the test lets a millisecond pass between publishes.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            configureServices: services => services.AddSingleton<TimeProvider>(clock)
        );
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
        var a = await host.PublishAsync("order.in_progress", orderId: "ord_A");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var b = await host.PublishAsync("domain.connected", orderId: "ord_A");
        clock.Advance(TimeSpan.FromMilliseconds(1));
        var c = await host.PublishAsync("order.in_progress", orderId: "ord_B");
        foreach (var id in new[] { a, b, c })
        {
            await host.WaitForDeliveryAsync(id);
        }

        var log = host.EventLog;
        var ct = CancellationToken.None;
        Assert.Equal(
            [a, c],
            (
                await log.ListAsync(
                    PeekerEnvironment.Test,
                    Partner,
                    new WebhookEventFilter(Type: "order.in_progress"),
                    new PageRequest(25, null),
                    ct
                )
            ).Items.Select(e => e.Id)
        );
        Assert.Equal(
            [a, b],
            (
                await log.ListAsync(
                    PeekerEnvironment.Test,
                    Partner,
                    new WebhookEventFilter(OrderId: "ord_A"),
                    new PageRequest(25, null),
                    ct
                )
            ).Items.Select(e => e.Id)
        );
        Assert.Equal(
            [a, b, c],
            (
                await log.ListAsync(PeekerEnvironment.Test, Partner, new WebhookEventFilter(Delivered: true), new PageRequest(25, null), ct)
            ).Items.Select(e => e.Id)
        );
        Assert.Empty(
            (
                await log.ListAsync(
                    PeekerEnvironment.Test,
                    Partner,
                    new WebhookEventFilter(Delivered: false),
                    new PageRequest(25, null),
                    ct
                )
            ).Items
        );
        Assert.Empty((await log.ListAsync(PeekerEnvironment.Live, Partner, new WebhookEventFilter(), new PageRequest(25, null), ct)).Items);
        var seen = new List<string>();
        string? token = null;
        do
        {
            var page = await log.ListAsync(PeekerEnvironment.Test, Partner, new WebhookEventFilter(), new PageRequest(2, token), ct);
            Assert.True(page.Items.Count <= 2);
            seen.AddRange(page.Items.Select(e => e.Id));
            token = page.NextAfter;
        } while (token is not null);

        Assert.Equal([a, b, c], seen);
    }
}
