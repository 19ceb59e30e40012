using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Peeker.Sandbox.Cloudflare;
using Peeker.Sandbox.Google;
using Peeker.Sandbox.Microsoft;
using Peeker.Sandbox.Registrar;
using Peeker.Sandbox.Smartlead;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox;

/// <summary>Registers and mounts the provider simulators.</summary>
public static class SandboxServiceCollectionExtensions
{
    /// <summary>Default mount point in the host.</summary>
    public const string DefaultPrefix = "/sandbox";

    /// <summary>Adds the simulators' state store (Azure Tables from configuration <c>AzureWebJobsStorage</c>).</summary>
    public static IServiceCollection AddPeekerSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.TryAddSingleton(_ =>
        {
            var connection = configuration["AzureWebJobsStorage"];
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException("AzureWebJobsStorage is not set: the sandbox simulators keep their state in Azure Tables.");
            }

            return new SandboxStore(new TableServiceClient(connection));
        });
        services.TryAddSingleton<SandboxInspector>();
        services.TryAddSingleton<SandboxRateLimits>();
        return services;
    }

    /// <summary>
    /// Maps <c>{prefix}/registrar</c>, <c>/cloudflare</c>, <c>/google</c>, <c>/microsoft</c>, <c>/smartlead</c> and
    /// <c>{prefix}/_inspect/{partnerId}</c>.
    /// </summary>
    public static IEndpointRouteBuilder MapPeekerSandbox(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        var root = endpoints.MapGroup(prefix).ExcludeFromDescription();
        root.MapGroup("/registrar").MapNamecheapSimulator();
        root.MapGroup("/cloudflare/client/v4").MapCloudflareSimulator();
        root.MapGroup("/google").MapGoogleSimulator();
        root.MapGroup("/microsoft").MapMicrosoftSimulator();
        root.MapGroup("/smartlead/api/v1").MapSmartleadSimulator();
        root.MapGet("/_inspect/{partnerId}", async (string partnerId, SandboxInspector inspector, CancellationToken ct) =>
            Results.Json(await inspector.ReadAsync(partnerId, ct), new JsonSerializerOptions { WriteIndented = true }));
        return endpoints;
    }
}
