using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Peeker.Durable.InMemory;
using Peeker.Activities.Providers;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Functions.Webhooks;

/// <summary>The real engine (in memory, auto-advancing fake clock) with the webhook services over Azurite tables.</summary>
public sealed class WebhookTestHost : IAsyncDisposable
{
    public const string Partner = "org_01JTRX00000000000000000042";
    public const string EncryptionKey = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=";

    private WebhookTestHost(DurableTestHost durable) => Durable = durable;

    public DurableTestHost Durable { get; }

    public IWebhookPublisher Publisher => Durable.Services.GetRequiredService<IWebhookPublisher>();

    public WebhookEndpointStore Endpoints => Durable.Services.GetRequiredService<WebhookEndpointStore>();

    public WebhookEventStore Events => Durable.Services.GetRequiredService<WebhookEventStore>();

    public WebhookEventLog EventLog => Durable.Services.GetRequiredService<WebhookEventLog>();

    public TimeProvider Clock => Durable.Services.GetRequiredService<TimeProvider>();

    /// <summary>Starts a host; with <paramref name="manualClock"/> durable timers fire only when the test advances it.</summary>
    public static async Task<WebhookTestHost> StartAsync(
        string connectionString, string tablePrefix, TimeSpan? attemptTimeout = null, FakeTimeProvider? manualClock = null)
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = connectionString,
            ["Peeker:EncryptionKey"] = EncryptionKey,
            ["Peeker:AdminKey"] = "adm_test",
            ["Peeker:Webhooks:TablePrefix"] = tablePrefix,
            ["Peeker:Webhooks:AttemptTimeout"] = (attemptTimeout ?? TimeSpan.FromSeconds(15)).ToString("c", CultureInfo.InvariantCulture),
        }).Build();
        void Services(IServiceCollection services) => services.AddPeekerWebhooks(configuration);
        var durable = manualClock is null
            ? await DurableTestHost.StartInMemoryAsync(registry => registry.AddWebhookTasks(), configureServices: Services)
            : await DurableTestHost.StartAsync(
                time => new InMemoryOrchestrationBackend(time), registry => registry.AddWebhookTasks(), manualClock, configureServices: Services);
        return new WebhookTestHost(durable);
    }

    public static string NewPrefix() => "w" + Guid.NewGuid().ToString("N")[..12];

    public Task<string> PublishAsync(string type = "order.in_progress", string? idempotencyKey = null, string orderId = "ord_01JTRX4Z2Y7W5V3T1S9R8Q6P4N") =>
        Publisher.PublishAsync(PeekerEnvironment.Test, Partner, type, new { Id = orderId, Status = "in_progress" }, orderId, idempotencyKey, CancellationToken.None);

    public async Task<DeliverWebhookResult> WaitForDeliveryAsync(string eventId)
    {
        var metadata = await Durable.WaitAsync(eventId);
        return metadata.ReadOutputAs<DeliverWebhookResult>()
            ?? throw new InvalidOperationException($"{eventId} ended {metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorMessage}");
    }

    public ValueTask DisposeAsync() => Durable.DisposeAsync();
}
