using Peeker.Durable.Hosting;
using Microsoft.Extensions.Options;

namespace Peeker.Functions.Health;

/// <summary><c>GET /health</c>: liveness plus the engine settings the host resolved.</summary>
public static class HealthFunctions
{
    /// <summary>Registers what the health endpoint reads.</summary>
    public static IServiceCollection AddPeekerHealth(this IServiceCollection services)
    {
        services.AddOptions<DurableTaskOptions>();
        return services;
    }

    /// <summary>Maps <c>GET /health</c>.</summary>
    public static IEndpointRouteBuilder MapPeekerHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (IOptions<DurableTaskOptions> options, TimeProvider time) => Results.Ok(new
        {
            status = "healthy",
            hub = options.Value.HubName,
            partition_count = options.Value.StorageProvider.PartitionCount,
            checked_at = time.GetUtcNow(),
        }));
        return routes;
    }
}
