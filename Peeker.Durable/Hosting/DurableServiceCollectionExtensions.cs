using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Peeker.Durable.Client;

namespace Peeker.Durable.Hosting;

/// <summary>Registers the engine: DTFx on Azure Storage, the tasks, the SDK client and the hosted worker.</summary>
public static class DurableServiceCollectionExtensions
{
    /// <summary>
    /// Adds the engine on the hub named in host.json <c>extensions.durableTask</c> (validated at start) in the storage
    /// account of <c>AzureWebJobsStorage</c>. <paramref name="register"/> adds orchestrators and activities. The worker
    /// runs unless a <see cref="DurableWorkerSwitch"/> registered before says otherwise: a client-only host starts
    /// orchestrations and sends events, and leaves their running (partition leases, activity messages) to the others.
    /// </summary>
    public static IServiceCollection AddPeekerDurable(
        this IServiceCollection services,
        IConfiguration configuration,
        Action<DurableTaskRegistry> register
    )
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(register);
        services
            .AddOptions<DurableTaskOptions>()
            .Bind(configuration.GetSection(DurableTaskOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        var registry = new DurableTaskRegistry();
        register(registry);
        services.AddSingleton(registry);
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(sp => new DurableTaskConnection(
            sp.GetRequiredService<IConfiguration>()["AzureWebJobsStorage"] is { Length: > 0 } connection
                ? connection
                : throw new InvalidOperationException("AzureWebJobsStorage is not configured: the durable engine keeps its task hub there.")
        ));
        services.TryAddSingleton<DurableTaskHub>();
        services.TryAddSingleton<DurableTaskClient, AzureStorageDurableTaskClient>();
        services.TryAddSingleton(new DurableWorkerSwitch(true));
        services.AddHostedService<TaskHubWorkerService>();
        return services;
    }
}

/// <summary>Whether this host runs the DTFx worker (takes partitions and activity messages) or is a client only.</summary>
/// <param name="Enabled">True: the worker runs here.</param>
public sealed record DurableWorkerSwitch(bool Enabled);
