using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Hosting.Internal;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Functions.Webhooks;

/// <summary>
/// The real engine (DTFx on the test class's Azurite, real timers) with the webhook services over Azurite tables. The
/// deliveries run on a compressed schedule (seconds for the spec's hours), set through the same settings a deployment
/// uses.
/// </summary>
public sealed class WebhookTestHost : IAsyncDisposable
{
    public const string Partner = "org_01JTRX00000000000000000042";
    public const string EncryptionKey = "ZGV2LW9ubHktZW5jcnlwdGlvbi1rZXktMzItYnl0ZXM=";

    /// <summary>The spec's five attempts, in seconds: 0, +1 s, +2 s, +3 s, +4 s.</summary>
    public static readonly IReadOnlyList<TimeSpan> Schedule = [.. Enumerable.Range(0, 5).Select(s => TimeSpan.FromSeconds(s))];

    /// <summary>How long an event waits for an endpoint in these tests.</summary>
    public static readonly TimeSpan EndpointWindow = TimeSpan.FromSeconds(3);

    private WebhookTestHost(DurableTestHost durable, IConfiguration configuration)
    {
        Durable = durable;
        Configuration = configuration;
    }

    public DurableTestHost Durable { get; }

    /// <summary>The webhook settings of this host: another host built on them shares its tables and schedule.</summary>
    public IConfiguration Configuration { get; }

    public IWebhookPublisher Publisher => Durable.Services.GetRequiredService<IWebhookPublisher>();

    public WebhookEndpointStore Endpoints => Durable.Services.GetRequiredService<WebhookEndpointStore>();

    public WebhookEventStore Events => Durable.Services.GetRequiredService<WebhookEventStore>();

    public WebhookEventLog EventLog => Durable.Services.GetRequiredService<WebhookEventLog>();

    public TimeProvider Clock => Durable.Services.GetRequiredService<TimeProvider>();

    /// <summary>
    /// Starts a host on <paramref name="schedule"/> (default <see cref="Schedule"/>) and <paramref name="endpointWindow"/>
    /// (default <see cref="EndpointWindow"/>). <paramref name="configureServices"/> runs before the webhook services are
    /// added (a <see cref="TimeProvider"/> registered there replaces the system clock outside the engine).
    /// </summary>
    public static async Task<WebhookTestHost> StartAsync(
        string connectionString,
        string tablePrefix,
        TimeSpan? attemptTimeout = null,
        IReadOnlyList<TimeSpan>? schedule = null,
        TimeSpan? endpointWindow = null,
        Action<IServiceCollection>? configureServices = null
    )
    {
        var configuration = Settings(connectionString, tablePrefix, attemptTimeout, schedule, endpointWindow);
        var durable = await DurableTestHost.StartAsync(
            connectionString,
            registry => registry.AddWebhookTasks(),
            configureServices: services =>
            {
                // The tests' receivers listen on 127.0.0.1: a developer's machine, where sandbox loopback endpoints are allowed.
                services.AddSingleton<IHostEnvironment>(new HostingEnvironment { EnvironmentName = Environments.Development });
                configureServices?.Invoke(services);
                services.AddPeekerWebhooks(configuration);
                services.AddSingleton<IWebhookDeliveries, DurableWebhookDeliveries>(); // As the host's engine area registers it.
            }
        );
        return new WebhookTestHost(durable, configuration);
    }

    /// <summary>The configuration keys a deployment would set, with the compressed schedule unless told otherwise.</summary>
    public static IConfiguration Settings(
        string connectionString,
        string tablePrefix,
        TimeSpan? attemptTimeout = null,
        IReadOnlyList<TimeSpan>? schedule = null,
        TimeSpan? endpointWindow = null
    ) =>
        new ConfigurationBuilder()
            .AddInMemoryCollection(
                new Dictionary<string, string?>
                {
                    ["AzureWebJobsStorage"] = connectionString,
                    ["Peeker:EncryptionKey"] = EncryptionKey,
                    ["Peeker:Webhooks:TablePrefix"] = tablePrefix,
                    ["Peeker:Webhooks:AttemptTimeout"] = (attemptTimeout ?? TimeSpan.FromSeconds(15)).ToString(
                        "c",
                        CultureInfo.InvariantCulture
                    ),
                    ["Peeker:Webhooks:RetrySchedule"] = string.Join(
                        ',',
                        (schedule ?? Schedule).Select(offset => offset.ToString("c", CultureInfo.InvariantCulture))
                    ),
                    ["Peeker:Webhooks:EndpointWindow"] = (endpointWindow ?? EndpointWindow).ToString("c", CultureInfo.InvariantCulture),
                }
            )
            .Build();

    public static string NewPrefix() => "w" + Guid.NewGuid().ToString("N")[..12];

    public Task<string> PublishAsync(
        string type = "order.in_progress",
        string? idempotencyKey = null,
        string orderId = "ord_01JTRX4Z2Y7W5V3T1S9R8Q6P4N"
    ) =>
        Publisher.PublishAsync(
            PeekerEnvironment.Test,
            Partner,
            type,
            new { Id = orderId, Status = "in_progress" },
            orderId,
            idempotencyKey,
            CancellationToken.None
        );

    public async Task<DeliverWebhookResult> WaitForDeliveryAsync(string eventId)
    {
        var metadata = await Durable.WaitAsync(eventId);
        return metadata.ReadOutputAs<DeliverWebhookResult>()
            ?? throw new InvalidOperationException($"{eventId} ended {metadata.RuntimeStatus}: {metadata.FailureDetails?.ErrorMessage}");
    }

    /// <summary>The event of the test partner with its attempts, oldest first.</summary>
    public async Task<WebhookEventDetails> DetailsAsync(string eventId, PeekerEnvironment environment = PeekerEnvironment.Test) =>
        await EventLog.GetAsync(environment, Partner, eventId, CancellationToken.None)
        ?? throw new InvalidOperationException($"{eventId} is not stored.");

    /// <summary>Waits until the stored event has <paramref name="status"/>.</summary>
    public async Task WaitForEventStatusAsync(string eventId, string status)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while ((await Events.GetAsync(PeekerEnvironment.Test, Partner, eventId, timeout.Token))?.Status != status)
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    public ValueTask DisposeAsync() => Durable.DisposeAsync();
}
