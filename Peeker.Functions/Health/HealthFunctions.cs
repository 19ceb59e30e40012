using Peeker.Durable.Hosting;

namespace Peeker.Functions.Health;

/// <summary><c>GET /health</c>: the host and its task hub.</summary>
public static class HealthFunctions
{
    /// <summary>Nothing to add: the hub is registered by the engine.</summary>
    public static IServiceCollection AddPeekerHealth(this IServiceCollection services) => services;

    /// <summary>
    /// Maps <c>/health</c>: 200 while the task hub runs (or is starting), 503 with the storage error while storage is
    /// unreachable, so a load balancer stops sending orders a host cannot start.
    /// </summary>
    public static IEndpointRouteBuilder MapPeekerHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet("/health", (DurableTaskHub hub, TimeProvider time) =>
        {
            var healthy = hub.State is TaskHubState.Running or TaskHubState.Starting;
            return Results.Json(
                new
                {
                    status = healthy ? "healthy" : "unhealthy",
                    hub = hub.Options.HubName,
                    engine = "DurableTask.AzureStorage",
                    hub_state = hub.State.ToString(),
                    partition_count = hub.Options.StorageProvider.PartitionCount,
                    storage_error = hub.LastError,
                    checked_at = time.GetUtcNow(),
                },
                statusCode: healthy ? StatusCodes.Status200OK : StatusCodes.Status503ServiceUnavailable);
        });
        return routes;
    }
}
