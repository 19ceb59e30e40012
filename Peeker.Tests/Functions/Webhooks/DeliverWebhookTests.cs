using System.Text.Json;
using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

public sealed class DeliverWebhookTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = WebhookTestHost.Partner;

    [Fact]
    public async Task Deliver_ReceiverAnswers200_DeliversOnceSignedWithEnvelope()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        var (_, secret) = await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 1), result);
        var request = Assert.Single(receiver.Requests);
        Assert.Equal(eventId, request.Headers["Peeker-Event-Id"]);
        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(secret, request.Headers, request.Body, WebhookSignature.DefaultTolerance, host.Clock)
        );
        using var body = JsonDocument.Parse(request.Body);
        Assert.Equal(["id", "type", "created_at", "data"], body.RootElement.EnumerateObject().Select(p => p.Name));
        Assert.Equal(eventId, body.RootElement.GetProperty("id").GetString());
        Assert.Equal("order.in_progress", body.RootElement.GetProperty("type").GetString());
        Assert.Equal("in_progress", body.RootElement.GetProperty("data").GetProperty("status").GetString());
        var details = await host.DetailsAsync(eventId);
        Assert.True(details.Event.Delivered);
        Assert.Equal(200, Assert.Single(details.Attempts).StatusCode);
    }

    [Fact]
    public async Task Deliver_DuringSecretRotation_SignsWithBothSecretsAndEitherVerifies()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        var (_, oldSecret) = await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
        var (_, newSecret) = (await host.Endpoints.RotateAsync(PeekerEnvironment.Test, Partner, CancellationToken.None))!.Value;

        var eventId = await host.PublishAsync();
        await host.WaitForDeliveryAsync(eventId);

        var request = Assert.Single(receiver.Requests);
        Assert.Equal(2, request.Headers["Peeker-Signature"].Split(' ').Length);
        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(oldSecret, request.Headers, request.Body, WebhookSignature.DefaultTolerance, host.Clock)
        );
        Assert.Equal(
            WebhookVerification.Valid,
            WebhookSignature.Verify(newSecret, request.Headers, request.Body, WebhookSignature.DefaultTolerance, host.Clock)
        );
    }

    [Fact]
    public async Task Deliver_ReceiverFailsThreeTimesThenSucceeds_FourAttemptsOnScheduleWithOneEventId()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, c) => WebhookReceiver.Status(c, n <= 3 ? 500 : 204));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 4), result);
        Assert.Equal(4, receiver.Requests.Count);
        Assert.All(receiver.Requests, r => Assert.Equal(eventId, r.Headers["Peeker-Event-Id"]));
        Assert.Single(receiver.Requests.Select(r => Convert.ToBase64String(r.Body)).Distinct());
        var details = await host.DetailsAsync(eventId);
        Assert.Equal([500, 500, 500, 204], details.Attempts.Select(a => a.StatusCode));
        Assert.Equal([1, 2, 3, 4], details.Attempts.Select(a => a.Number));
        AssertWaitedForSchedule(details, WebhookTestHost.Schedule);
    }

    [Fact]
    public async Task Deliver_ReceiverHangsPastTimeout_RecordsTimeoutAndRetries()
    {
        await using var receiver = await WebhookReceiver.StartAsync(
            async (n, c) =>
            {
                if (n == 1)
                {
                    try
                    {
                        await Task.Delay(TimeSpan.FromSeconds(30), c.RequestAborted);
                    }
                    catch (OperationCanceledException)
                    {
                        return;
                    }
                }

                c.Response.StatusCode = 200;
            }
        );
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            attemptTimeout: TimeSpan.FromSeconds(1)
        );
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 2), result);
        var attempts = (await host.DetailsAsync(eventId)).Attempts;
        Assert.Null(attempts[0].StatusCode);
        Assert.Contains("timeout", attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(200, attempts[1].StatusCode);
    }

    [Fact]
    public async Task Deliver_ReceiverAnswers410_DisablesEndpointAndStops()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 410));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.EndpointGone, 1), result);
        Assert.Single(receiver.Requests);
        Assert.True((await host.Endpoints.GetAsync(PeekerEnvironment.Test, Partner, CancellationToken.None))!.Disabled);
        var stored = await host.Events.GetAsync(PeekerEnvironment.Test, Partner, eventId, CancellationToken.None);
        Assert.Equal(WebhookEventStatus.EndpointGone, stored!.Status);
    }

    [Fact]
    public async Task Deliver_ReceiverRedirects_DoesNotFollowAndFailsAfterFiveAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync(
            (_, c) =>
            {
                c.Response.StatusCode = 302;
                c.Response.Headers.Location = "/elsewhere";
                return Task.CompletedTask;
            }
        );
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 5), result);
        Assert.All(receiver.Requests, r => Assert.Equal("/hooks", r.Path));
        var details = await host.DetailsAsync(eventId);
        Assert.Equal(Enumerable.Repeat<int?>(302, 5), details.Attempts.Select(a => a.StatusCode));
        Assert.Contains("not followed", details.Attempts[0].Error, StringComparison.Ordinal);
        Assert.Equal(WebhookEventStatus.Failed, details.Event.Status);
        AssertWaitedForSchedule(details, WebhookTestHost.Schedule);
    }

    [Fact]
    public async Task Deliver_RetryAfterLongerThanTheGap_NextAttemptWaitsForIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync(
            (n, c) =>
            {
                c.Response.StatusCode = n == 1 ? 503 : 200;
                if (n == 1)
                {
                    c.Response.Headers.RetryAfter = "2";
                }

                return Task.CompletedTask;
            }
        );
        // A last offset far beyond the Retry-After, so that the attempt it delays is not also moved to the last offset.
        TimeSpan[] schedule = [TimeSpan.Zero, TimeSpan.FromSeconds(1), TimeSpan.FromMinutes(1)];
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix(), schedule: schedule);
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 2), result);
        var attempts = (await host.DetailsAsync(eventId)).Attempts;
        Assert.True(
            attempts[1].AttemptedAt - attempts[0].AttemptedAt >= TimeSpan.FromSeconds(2),
            "the second attempt did not wait for Retry-After: 2"
        );
    }

    [Fact]
    public async Task Deliver_RetryAfterBeyondTheLastOffset_MakesTheNextAttemptTheLastAtTheLastOffset()
    {
        await using var receiver = await WebhookReceiver.StartAsync(
            (_, c) =>
            {
                c.Response.StatusCode = 429;
                c.Response.Headers.RetryAfter = "200000";
                return Task.CompletedTask;
            }
        );
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var eventId = await host.PublishAsync();
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 2), result);
        var details = await host.DetailsAsync(eventId);
        Assert.True(
            details.Attempts[1].AttemptedAt - details.Event.CreatedAt >= WebhookTestHost.Schedule[^1],
            "the last attempt came before the last offset"
        );
        Assert.True(
            details.Attempts[1].AttemptedAt - details.Attempts[0].AttemptedAt < TimeSpan.FromSeconds(200000),
            "the last attempt waited for the whole Retry-After"
        );
        Assert.Equal(WebhookEventStatus.Failed, details.Event.Status);
    }

    [Fact]
    public async Task Publish_TwiceWithSameIdempotencyKey_SameEventDeliveredOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);

        var first = await host.PublishAsync(idempotencyKey: "ProvisionOrder-ord_1:7");
        await host.WaitForDeliveryAsync(first);
        var second = await host.PublishAsync(idempotencyKey: "ProvisionOrder-ord_1:7");
        await host.WaitForDeliveryAsync(second);

        Assert.Equal(first, second);
        Assert.Single(receiver.Requests);
    }

    [Fact]
    public async Task Deliver_LiveEndpointOnLoopback_IsBlockedAtDeliveryTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            schedule: [TimeSpan.Zero]
        );
        // The store does not check URLs (the admin route does): simulate a URL that became internal after saving.
        await host.Endpoints.SetAsync(
            PeekerEnvironment.Live,
            Partner,
            receiver.Url.Replace("http://", "https://", StringComparison.Ordinal),
            CancellationToken.None
        );

        var eventId = await host.Publisher.PublishAsync(
            PeekerEnvironment.Live,
            Partner,
            "order.failed",
            new { Id = "ord_1" },
            "ord_1",
            null,
            CancellationToken.None
        );
        var result = await host.WaitForDeliveryAsync(eventId);

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Failed, 1), result);
        Assert.Empty(receiver.Requests);
        var attempt = Assert.Single((await host.DetailsAsync(eventId, PeekerEnvironment.Live)).Attempts);
        Assert.StartsWith("blocked", attempt.Error, StringComparison.Ordinal);
    }

    [Fact]
    public void AddWebhookTasks_RegistersThePersistedNames()
    {
        var registry = new DurableTaskRegistry();

        registry.AddWebhookTasks();

        Assert.Equal(["DeliverWebhookOrchestrator"], registry.GetOrchestrators().Select(o => o.Key.Name));
        Assert.Equal(["PostWebhook"], registry.GetActivities().Select(a => a.Key.Name));
    }

    /// <summary>
    /// The delivery waited: each attempt came no earlier than its offset, counted from the event (stored before the
    /// delivery starts), and each but the last (which the schedule pins to its offset from the first) no sooner after
    /// the attempt before it than the schedule's gap. How much later is the engine's business.
    /// </summary>
    private static void AssertWaitedForSchedule(WebhookEventDetails details, IReadOnlyList<TimeSpan> schedule)
    {
        var attempts = details.Attempts;
        for (var i = 0; i < attempts.Count; i++)
        {
            var offset = attempts[i].AttemptedAt - details.Event.CreatedAt;
            Assert.True(offset >= schedule[i], $"attempt {i + 1} came {offset} after the event, before its offset {schedule[i]}");
            if (i > 0 && i < schedule.Count - 1)
            {
                var gap = attempts[i].AttemptedAt - attempts[i - 1].AttemptedAt;
                Assert.True(
                    gap >= schedule[i] - schedule[i - 1],
                    $"attempt {i + 1} came {gap} after attempt {i}, before the schedule's gap"
                );
            }
        }
    }
}
