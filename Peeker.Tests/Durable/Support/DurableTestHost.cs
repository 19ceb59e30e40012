using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Peeker.Durable;
using Peeker.Durable.Backend;
using Peeker.Durable.Client;
using Peeker.Durable.Hosting;
using Peeker.Durable.InMemory;

namespace Peeker.Tests.Durable.Support;

/// <summary>
/// A worker and client over one backend, started for one test. With the in-memory backend the clock is a
/// <see cref="FakeTimeProvider"/> that jumps to the next due timer whenever the hub is idle, so a 24-hour retry
/// schedule runs in milliseconds.
/// </summary>
public sealed class DurableTestHost : IAsyncDisposable
{
    private readonly ServiceProvider _services;
    private readonly DurableTaskWorker _worker;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _clockPump;

    private DurableTestHost(ServiceProvider services, Func<DateTime?>? nextDue, FakeTimeProvider? clock)
    {
        _services = services;
        _worker = services.GetRequiredService<DurableTaskWorker>();
        Client = services.GetRequiredService<DurableTaskClient>();
        Backend = services.GetRequiredService<IOrchestrationBackend>();
        _clockPump = nextDue is null || clock is null ? Task.CompletedTask : PumpClockAsync(nextDue, clock, _stop.Token);
    }

    public DurableTaskClient Client { get; }

    public IOrchestrationBackend Backend { get; }

    public IServiceProvider Services => _services;

    /// <summary>Starts a host on a fresh in-memory backend with an auto-advancing fake clock.</summary>
    public static Task<DurableTestHost> StartInMemoryAsync(
        Action<DurableTaskRegistry> register, Action<DurableTaskOptions>? configure = null, Action<IServiceCollection>? configureServices = null)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        InMemoryOrchestrationBackend? backend = null;
        return StartAsync(
            time => backend = new InMemoryOrchestrationBackend(time),
            register,
            clock,
            configure,
            () => backend?.NextDueTimeWhenIdle(),
            configureServices);
    }

    /// <summary>Starts a host on the backend <paramref name="createBackend"/> makes.</summary>
    public static async Task<DurableTestHost> StartAsync(
        Func<TimeProvider, IOrchestrationBackend> createBackend,
        Action<DurableTaskRegistry> register,
        TimeProvider time,
        Action<DurableTaskOptions>? configure = null,
        Func<DateTime?>? nextDue = null,
        Action<IServiceCollection>? configureServices = null)
    {
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning));
        services.AddSingleton(time);
        configureServices?.Invoke(services);
        services.Configure<DurableTaskOptions>(options =>
        {
            options.HubName = "TestHub";
            options.StorageProvider.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(200);
            configure?.Invoke(options);
        });
        services.AddPeekerDurable(register, sp => createBackend(sp.GetRequiredService<TimeProvider>()));
        var provider = services.BuildServiceProvider();
        var host = new DurableTestHost(provider, nextDue, time as FakeTimeProvider);
        await host._worker.StartAsync(CancellationToken.None);
        return host;
    }

    /// <summary>Waits for the instance to finish, failing the test after <paramref name="timeoutSeconds"/>.</summary>
    public async Task<OrchestrationMetadata> WaitAsync(string instanceId, int timeoutSeconds = 60)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        return await Client.WaitForInstanceCompletionAsync(instanceId, getInputsAndOutputs: true, cts.Token);
    }

    /// <summary>Waits until the instance reaches <paramref name="status"/>.</summary>
    public async Task<OrchestrationMetadata> WaitForStatusAsync(string instanceId, OrchestrationRuntimeStatus status, int timeoutSeconds = 60)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(timeoutSeconds));
        while (true)
        {
            var instance = await Client.GetInstanceAsync(instanceId, true, cts.Token);
            if (instance?.RuntimeStatus == status)
            {
                return instance;
            }

            await Task.Delay(20, cts.Token);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _clockPump;
        await _worker.StopAsync(CancellationToken.None);
        await _services.DisposeAsync();
        _stop.Dispose();
    }

    private static async Task PumpClockAsync(Func<DateTime?> nextDue, FakeTimeProvider clock, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(5, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (nextDue() is { } due && due > clock.GetUtcNow().UtcDateTime)
            {
                clock.SetUtcNow(new DateTimeOffset(DateTime.SpecifyKind(due, DateTimeKind.Utc)));
            }
        }
    }
}
