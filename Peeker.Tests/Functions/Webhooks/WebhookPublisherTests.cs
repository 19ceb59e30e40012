using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

public sealed class WebhookPublisherTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = WebhookTestHost.Partner;

    [Fact]
    public async Task Publish_RetriedAfterCrashBetweenStoreAndStart_StartsDeliveryOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        await host.Endpoints.SetAsync(PeekerEnvironment.Test, Partner, receiver.Url, CancellationToken.None);
        // The first try stored the event and crashed before starting its orchestration.
        const string key = "ProvisionOrder-ord_9:3";
        var stored = await host.Events.ReserveIdAsync(
            PeekerEnvironment.Test,
            Partner,
            key,
            "evt_01JTRX5Q8M3K7V2N9C4B6D1F0Z",
            CancellationToken.None
        );
        await host.Events.TryCreateAsync(
            new WebhookEvent(
                stored,
                PeekerEnvironment.Test,
                Partner,
                "order.completed",
                "ord_9",
                host.Clock.GetUtcNow(),
                WebhookEventStatus.Pending,
                0,
                null,
                1,
                "{\"id\":\"evt_01JTRX5Q8M3K7V2N9C4B6D1F0Z\"}"u8.ToArray()
            ),
            CancellationToken.None
        );

        var eventId = await host.PublishAsync("order.completed", idempotencyKey: key);
        await host.WaitForDeliveryAsync(eventId);
        var again = await host.PublishAsync("order.completed", idempotencyKey: key);
        await host.WaitForDeliveryAsync(again);

        Assert.Equal(stored, eventId);
        Assert.Equal(stored, again);
        Assert.Equal(stored, Assert.Single(receiver.Requests).Headers["Peeker-Event-Id"]);
    }

    [Fact]
    public async Task Publish_DifferentIdempotencyKeys_AreDifferentEvents()
    {
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());

        var first = await host.PublishAsync(idempotencyKey: "a:1");
        var second = await host.PublishAsync(idempotencyKey: "a:2");

        Assert.NotEqual(first, second);
        Assert.Matches("^evt_[0-9A-HJKMNP-TV-Z]{26}$", first);
    }

    [Fact]
    public async Task Publish_StartsTheDeliveryWithTheConfiguredScheduleAndWindowInItsInput()
    {
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            endpointWindow: TimeSpan.FromMinutes(7)
        );

        var eventId = await host.PublishAsync();
        var instance = await host.Durable.Client.GetInstanceAsync(eventId, getInputsAndOutputs: true);

        var input = instance!.ReadInputAs<DeliverWebhookInput>()!;
        Assert.Equal(eventId, input.EventId);
        Assert.Equal(WebhookTestHost.Schedule, input.Schedule);
        Assert.Equal(TimeSpan.FromMinutes(7), input.EndpointWindow);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("c2hvcnQ=")]
    public void AddPeekerWebhooks_MissingOrBadEncryptionKey_FailsNamingTheKey(string? key)
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString, ["Peeker:EncryptionKey"] = key }
            )
            .Build();
        var services = new ServiceCollection();
        services.AddPeekerWebhooks(configuration);
        using var provider = services.BuildServiceProvider();

        var error = Assert.Throws<OptionsValidationException>(() => provider.GetRequiredService<IOptions<WebhookOptions>>().Value);

        Assert.Contains("Peeker:EncryptionKey", error.Message, StringComparison.Ordinal);
    }
}
