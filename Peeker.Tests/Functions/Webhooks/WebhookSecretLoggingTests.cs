using System.Collections.Concurrent;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

public sealed class WebhookSecretLoggingTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Delivery_WithRotationAndRetries_NeverLogsASecret()
    {
        var logs = new CaptureLoggerProvider();
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Peeker:EncryptionKey"] = WebhookTestHost.EncryptionKey,
            ["Peeker:Webhooks:TablePrefix"] = WebhookTestHost.NewPrefix(),
        }).Build();
        await using var receiver = await WebhookReceiver.StartAsync((n, c) => WebhookReceiver.Status(c, n == 1 ? 500 : 200));
        await using var host = await DurableTestHost.StartInMemoryAsync(
            registry => registry.AddWebhookTasks(),
            configureServices: services =>
            {
                services.AddPeekerWebhooks(configuration);
                services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(logs));
            });
        var endpoints = host.Services.GetRequiredService<Peeker.Activities.Webhooks.WebhookEndpointStore>();
        var (_, first) = await endpoints.SetAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, receiver.Url, CancellationToken.None);
        var (_, second) = (await endpoints.RotateAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, CancellationToken.None))!.Value;

        var eventId = await host.Services.GetRequiredService<Peeker.Activities.Webhooks.IWebhookPublisher>()
            .PublishAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, "order.in_progress", new { Id = "ord_1" }, "ord_1", null, CancellationToken.None);
        await host.WaitAsync(eventId);

        Assert.Contains(logs.Messages, m => m.Contains(eventId, StringComparison.Ordinal));
        foreach (var secret in new[] { first, second })
        {
            Assert.DoesNotContain(logs.Messages, m => m.Contains(secret["whsec_".Length..], StringComparison.Ordinal));
        }
    }

    private sealed class CaptureLoggerProvider : ILoggerProvider
    {
        public ConcurrentQueue<string> Messages { get; } = new();

        public ILogger CreateLogger(string categoryName) => new CaptureLogger(this);

        public void Dispose()
        {
        }

        private sealed class CaptureLogger(CaptureLoggerProvider owner) : ILogger
        {
            public IDisposable? BeginScope<TState>(TState state)
                where TState : notnull => null;

            public bool IsEnabled(LogLevel logLevel) => true;

            public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
                owner.Messages.Enqueue(formatter(state, exception) + " " + exception);
        }
    }
}
