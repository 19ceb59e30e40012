using System.Text.Json;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Peeker.Activities.Providers;
using Peeker.Durable.Hosting;
using Peeker.Functions.Hosting;

namespace Peeker.Functions.Health;

/// <summary>
/// <c>GET /health</c> (liveness: the process serves requests) and <c>GET /health/ready</c> (readiness: storage, the task
/// hub and its partition leases, the webhook backlog, each live provider's sign-in), on <c>Microsoft.Extensions.Diagnostics.HealthChecks</c>.
/// </summary>
public static class HealthFunctions
{
    private const string Ready = "ready";

    /// <summary>Registers the readiness checks and their thresholds.</summary>
    public static IServiceCollection AddPeekerHealth(this IServiceCollection services, IConfiguration configuration)
    {
        services
            .AddOptions<HealthOptions>()
            .Bind(configuration.GetSection(HealthOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        services
            .AddHealthChecks()
            .AddCheck<StorageHealthCheck>("storage", HealthStatus.Unhealthy, [Ready])
            .AddCheck<TaskHubHealthCheck>("task_hub", HealthStatus.Unhealthy, [Ready])
            .AddCheck<WebhookBacklogHealthCheck>("webhook_backlog", HealthStatus.Degraded, [Ready]);
        services.AddSingleton<ProviderSignInResults>();
        services.Configure<HealthCheckServiceOptions>(o =>
        {
            foreach (var name in new[] { ProviderNames.Google, ProviderNames.Microsoft, ProviderNames.Smartlead })
            {
                o.Registrations.Add(
                    new HealthCheckRegistration(
                        "provider_" + name,
                        sp => new ProviderSignInHealthCheck(
                            sp.GetServices<IProviderSignIn>().First(p => p.Provider == name),
                            sp.GetRequiredService<ProviderSignInResults>()
                        ),
                        HealthStatus.Degraded,
                        [Ready]
                    )
                );
            }
        });
        return services;
    }

    /// <summary>
    /// Maps <c>/health</c>: 200 whenever the process answers (restart it only when this fails), with the hub's state
    /// for people; and <c>/health/ready</c>: 200 healthy or degraded, 503 unhealthy, with every check's status,
    /// description and data, so a load balancer stops sending orders to a host that cannot start them.
    /// </summary>
    public static IEndpointRouteBuilder MapPeekerHealth(this IEndpointRouteBuilder routes)
    {
        routes.MapGet(
            "/health",
            (DurableTaskHub hub, HostRoles roles, TimeProvider time) =>
                Results.Json(
                    new
                    {
                        status = "alive",
                        roles = roles.Names,
                        hub = hub.Options.HubName,
                        engine = "DurableTask.AzureStorage",
                        hub_state = hub.State.ToString(),
                        partition_count = hub.Options.StorageProvider.PartitionCount,
                        storage_error = hub.LastError,
                        // For the soak benchmark and people watching memory: the managed heap, without forcing a collection.
                        managed_heap_bytes = GC.GetTotalMemory(forceFullCollection: false),
                        checked_at = time.GetUtcNow(),
                    }
                )
        );
        routes.MapHealthChecks(
            "/health/ready",
            new HealthCheckOptions { Predicate = check => check.Tags.Contains(Ready), ResponseWriter = WriteAsync }
        );
        return routes;
    }

    private static Task WriteAsync(HttpContext http, HealthReport report)
    {
        http.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = Name(report.Status),
            duration_ms = (long)report.TotalDuration.TotalMilliseconds,
            checks = report.Entries.ToDictionary(
                e => e.Key,
                e => new
                {
                    status = Name(e.Value.Status),
                    description = e.Value.Description,
                    data = e.Value.Data,
                }
            ),
        };
        return http.Response.WriteAsync(JsonSerializer.Serialize(body));
    }

    private static string Name(HealthStatus status) =>
        status switch
        {
            HealthStatus.Healthy => "healthy",
            HealthStatus.Degraded => "degraded",
            _ => "unhealthy",
        };
}
