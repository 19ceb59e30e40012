using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Peeker.Activities.Common;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

/// <summary>Secrets are in the endpoint table (encrypted) and in the signature, nowhere else: not in logs, not in history.</summary>
public sealed class WebhookSecretLoggingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Delivery_WithRotationAndRetries_NeverLogsASecret()
    {
        var logs = new FakeLogCollector();
        await using var receiver = await WebhookReceiver.StartAsync((n, c) => WebhookReceiver.Status(c, n == 1 ? 500 : 200));
        await using var host = await WebhookTestHost.StartAsync(
            azurite.ConnectionString,
            WebhookTestHost.NewPrefix(),
            configureServices: services =>
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(logs)))
        );

        var (eventId, secrets) = await DeliverWithRotationAndRetryAsync(host, receiver);

        Assert.Contains(logs.Lines(), m => m.Contains(eventId, StringComparison.Ordinal));
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs.Lines(), m => m.Contains(secret["whsec_".Length..], StringComparison.Ordinal));
        }
    }

    [Fact]
    public async Task Delivery_WithRotationAndRetries_NoSecretInHistoryInputOrOutput()
    {
        await using var receiver = await WebhookReceiver.StartAsync((n, c) => WebhookReceiver.Status(c, n == 1 ? 500 : 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());

        var (eventId, secrets) = await DeliverWithRotationAndRetryAsync(host, receiver);

        var history = await host.Durable.Client.GetOrchestrationHistoryAsync(eventId);
        var instance = await host.Durable.Client.GetInstanceAsync(eventId, getInputsAndOutputs: true);
        // Serialized as object: each event with the properties of its own type (inputs, results, custom status).
        var everything = JsonSerializer.Serialize(history.Cast<object>()) + JsonSerializer.Serialize(instance);
        Assert.Contains("PostWebhook", everything, StringComparison.Ordinal);
        Assert.Contains(eventId, instance!.SerializedInput, StringComparison.Ordinal);
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(secret["whsec_".Length..], everything, StringComparison.Ordinal);
        }
    }

    /// <summary>Saves an endpoint, rotates its secret, and delivers one event in two attempts (500, then 200).</summary>
    private static async Task<(string EventId, string[] Secrets)> DeliverWithRotationAndRetryAsync(
        WebhookTestHost host,
        WebhookReceiver receiver
    )
    {
        var (_, first) = await host.Endpoints.SetAsync(
            PeekerEnvironment.Test,
            WebhookTestHost.Partner,
            receiver.Url,
            CancellationToken.None
        );
        var (_, second) = (
            await host.Endpoints.RotateAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, CancellationToken.None)
        )!.Value;
        var eventId = await host.Publisher.PublishAsync(
            PeekerEnvironment.Test,
            WebhookTestHost.Partner,
            "order.in_progress",
            new { Id = "ord_1" },
            "ord_1",
            null,
            CancellationToken.None
        );
        var result = await host.WaitForDeliveryAsync(eventId);
        Assert.Equal(2, result.Attempts);
        return (eventId, [first, second]);
    }
}
