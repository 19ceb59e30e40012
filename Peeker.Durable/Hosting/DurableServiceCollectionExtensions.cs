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
    /// account of <c>AzureWebJobsStorage</c>. <paramref name="register"/> adds orchestrators and activities.
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
        services.AddHostedService<TaskHubWorkerService>();
        return services;
    }
}
