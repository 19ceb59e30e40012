using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable.AzureStorage;
using Peeker.Durable.Hosting;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Durable.AzureStorage;

/// <summary>The conformance suite on the Azure Storage backend, on a private Azurite, a fresh hub per test and the real clock.</summary>
public sealed class AzureStorageEngineConformanceTests(AzuriteFixture azurite) : EngineConformanceTests, IClassFixture<AzuriteFixture>
{
    protected override TimeSpan LongDelay => TimeSpan.FromSeconds(2);

    protected override TimeSpan ShortDelay => TimeSpan.FromSeconds(1);

    protected override Task<DurableTestHost> StartHostAsync(Action<DurableTaskRegistry> register, Action<DurableTaskOptions>? configure = null)
    {
        var hub = AzureStorageTestHubs.NewHubName();
        return DurableTestHost.StartAsync(
            time => new AzureStorageOrchestrationBackend(AzureStorageTestHubs.Options(azurite.ConnectionString, hub), time, loggerFactory: NullLoggerFactory.Instance),
            register,
            TimeProvider.System,
            options =>
            {
                options.HubName = hub;
                configure?.Invoke(options);
            });
    }
}

/// <summary>Hub names and options shared by the Azure Storage tests.</summary>
internal static class AzureStorageTestHubs
{
    public static string NewHubName() => "T" + Guid.NewGuid().ToString("N")[..12];

    public static AzureStorageOptions Options(string connectionString, string hub, string? workerId = null) => new()
    {
        ConnectionString = connectionString,
        HubName = hub,
        MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200),
        ControlQueueVisibilityTimeout = TimeSpan.FromSeconds(30),
        WorkItemQueueVisibilityTimeout = TimeSpan.FromSeconds(60),
        WorkerId = workerId,
    };
}
