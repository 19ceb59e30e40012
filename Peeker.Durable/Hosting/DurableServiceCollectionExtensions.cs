using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Peeker.Durable.Backend;
using Peeker.Durable.Client;
using Peeker.Durable.InMemory;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.Hosting;

/// <summary>Registers the engine: registry, backend, client and the hosted worker.</summary>
public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine. <paramref name="register"/> lists orchestrators and activities; <paramref name="backend"/>
    /// creates the storage backend (in-memory when null). Settings come from <see cref="DurableTaskOptions"/>.
    /// </summary>
    public static IServiceCollection AddPeekerDurable(
        this IServiceCollection services,
        Action<DurableTaskRegistry> register,
        Func<IServiceProvider, IOrchestrationBackend>? backend = null)
    {
        var registry = new DurableTaskRegistry();
        register(registry);
        services.AddSingleton(registry);
        services.AddOptions<DurableTaskOptions>();
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(DataConverter.Default);
        services.AddSingleton(backend ?? (sp => new InMemoryOrchestrationBackend(sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DataConverter>())));
        services.AddSingleton(sp => new DurableTaskClient(
            sp.GetRequiredService<IOrchestrationBackend>(), sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<DataConverter>()));
        services.AddSingleton<DurableTaskWorker>();
        services.AddHostedService(sp => sp.GetRequiredService<DurableTaskWorker>());
        return services;
    }
}
