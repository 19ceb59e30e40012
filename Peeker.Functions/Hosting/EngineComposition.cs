using Peeker.Durable.Hosting;

namespace Peeker.Functions.Hosting;

/// <summary>Registers the durable engine with every orchestrator and activity of the host.</summary>
public static class EngineComposition
{
    /// <summary>Adds the engine, bound to host.json <c>extensions.durableTask</c> and validated at startup.</summary>
    public static IServiceCollection AddPeekerEngine(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<DurableTaskOptions>()
            .Bind(configuration.GetSection(DurableTaskOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services.AddPeekerDurable(RegisterTasks);
        return services;
    }

    /// <summary>Every orchestrator and activity the host runs (names are persisted contracts).</summary>
    public static void RegisterTasks(DurableTaskRegistry registry)
    {
    }
}
