using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Peeker.Durable.Hosting;

namespace Peeker.Tests.Durable.Support;

/// <summary>
/// The real engine for one test: a DTFx worker and the SDK client over a task hub of its own (a fresh hub name) in
/// the Azurite of the test class. Settings are the host's, with short polling and lease intervals so a test starts in
/// about a second.
/// </summary>
public sealed class DurableTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly IReadOnlyList<IHostedService> _hosted;

    private DurableTestHost(ServiceProvider services)
    {
        _services = services;
        _hosted = [.. services.GetServices<IHostedService>()];
        Client = services.GetRequiredService<DurableTaskClient>();
        Hub = services.GetRequiredService<DurableTaskHub>();
    }

    public DurableTaskClient Client { get; }

    public DurableTaskHub Hub { get; }

    public IServiceProvider Services => _services;

    /// <summary>Starts a worker with the tasks <paramref name="register"/> adds, on a new hub in <paramref name="connectionString"/>.</summary>
    public static async Task<DurableTestHost> StartAsync(
        string connectionString,
        Action<DurableTaskRegistry> register,
        Action<DurableTaskOptions>? configure = null,
        Action<IServiceCollection>? configureServices = null
    )
    {
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = connectionString })
            .Build();
        services.AddSingleton<IConfiguration>(configuration);
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        configureServices?.Invoke(services);
        services.AddPeekerDurable(configuration, register);
        services.Configure<DurableTaskOptions>(options =>
        {
            options.HubName = "T" + Guid.NewGuid().ToString("N")[..20];
            options.StorageProvider.PartitionCount = 2;
            options.StorageProvider.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100);
            options.StorageProvider.LeaseAcquireInterval = TimeSpan.FromSeconds(1);
            options.StorageProvider.LeaseRenewInterval = TimeSpan.FromSeconds(2);
            options.StorageProvider.LeaseInterval = TimeSpan.FromSeconds(15);
            configure?.Invoke(options);
        });
        var provider = services.BuildServiceProvider();
        var host = new DurableTestHost(provider);
        foreach (var hosted in host._hosted)
        {
            await hosted.StartAsync(CancellationToken.None);
        }

        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (host.Hub.State != TaskHubState.Running)
        {
            await Task.Delay(50, timeout.Token);
        }

        return host;
    }

    /// <summary>Waits for the instance to finish, failing the test after <paramref name="timeoutSeconds"/>.</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, int timeoutSeconds = 90)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    /// <summary>Waits until the instance reaches <paramref name="status"/>.</summary>
    public async Task<OrchestrationMetadata> WaitForStatusAsync(
        string instanceId,
        OrchestrationRuntimeStatus status,
        int timeoutSeconds = 90
    )
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var instance = await Client.GetInstanceAsync(instanceId, true, cts.Token);
            if (instance?.RuntimeStatus == status)
            {
                return instance;
            }

            await Task.Delay(50, cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var hosted in _hosted.Reverse())
        {
            await hosted.StopAsync(CancellationToken.None);
        }

        await Hub.Service.DeleteAsync();
        await _services.DisposeAsync();
    }
}
