using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;
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

    /// <summary>
    /// Adds the simulators' state store (Azure Tables from configuration <c>AzureWebJobsStorage</c>), their options
    /// (<see cref="SandboxOptions"/>) and the bounded rate-limit counters.
    /// </summary>
    public static IServiceCollection AddPeekerSandbox(this IServiceCollection services, IConfiguration configuration)
    {
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SandboxOptions>().Bind(configuration.GetSection(SandboxOptions.SectionName));
        services.TryAddSingleton(_ =>
        {
            var connection = configuration["AzureWebJobsStorage"];
            if (string.IsNullOrWhiteSpace(connection))
            {
                throw new InvalidOperationException(
                    "AzureWebJobsStorage is not set: the sandbox simulators keep their state in Azure Tables."
                );
            }

            return new SandboxStore(new TableServiceClient(connection));
        });
        services.TryAddSingleton<SandboxInspector>();
        services.TryAddSingleton<SandboxGuard>();
        services.TryAddSingleton<SandboxTokens>();
        services.TryAddSingleton(sp => new SandboxRateLimits(
            sp.GetRequiredService<TimeProvider>(),
            sp.GetRequiredService<IOptions<SandboxOptions>>().Value.MaxTrackedCounters
        ));
        return services;
    }

    /// <summary><c>Providers:Sandbox:Enabled</c> when set; otherwise true in Development only.</summary>
    public static bool IsSandboxEnabled(IConfiguration configuration, IHostEnvironment environment)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        ArgumentNullException.ThrowIfNull(environment);
        return configuration.GetValue<bool?>(SandboxOptions.SectionName + ":Enabled") ?? environment.IsDevelopment();
    }

    /// <summary>
    /// Maps <c>{prefix}/registrar</c>, <c>/cloudflare</c>, <c>/google</c>, <c>/microsoft</c> and <c>/smartlead</c>, each
    /// behind <see cref="SandboxGuard"/>. Refuses (throws, so the host does not start) without a
    /// <c>Providers:Sandbox:Secret</c> of at least <see cref="SandboxOptions.MinSecretLength"/> characters.
    /// </summary>
    public static IEndpointRouteBuilder MapPeekerSandbox(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        var secret = endpoints.ServiceProvider.GetRequiredService<IOptions<SandboxOptions>>().Value.Secret;
        if (secret is null || secret.Length < SandboxOptions.MinSecretLength)
        {
            throw new InvalidOperationException(
                $"Providers:Sandbox:Secret must be set (at least {SandboxOptions.MinSecretLength} characters) to serve the sandbox simulators; "
                    + "set it, or turn the simulators off with Providers:Sandbox:Enabled=false."
            );
        }

        var root = endpoints.MapGroup(prefix).ExcludeFromDescription().AddEndpointFilter<SandboxGuard>();
        root.MapGroup("/registrar").MapNamecheapSimulator();
        root.MapGroup("/cloudflare/client/v4").MapCloudflareSimulator();
        root.MapGroup("/google").MapGoogleSimulator();
        root.MapGroup("/microsoft").MapMicrosoftSimulator();
        root.MapGroup("/smartlead/api/v1").MapSmartleadSimulator();
        return endpoints;
    }

    /// <summary>
    /// Maps the simulated Entra login endpoints (<c>/{tenant}/oauth2/v2.0/token</c>, discovery) at the root of
    /// <paramref name="endpoints"/>, behind <see cref="SandboxGuard"/>, for Azure.Identity/MSAL: their authority is a
    /// host plus a tenant, with no room for the <c>/sandbox/microsoft</c> path (which serves the same endpoints).
    /// </summary>
    public static IEndpointRouteBuilder MapPeekerSandboxEntraLogin(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapGroup("").ExcludeFromDescription().AddEndpointFilter<SandboxGuard>().MapEntra();
        return endpoints;
    }

    /// <summary>
    /// Maps <c>GET {prefix}/_inspect/{partnerId}</c> (everything the simulators hold for a partner). It carries no
    /// authentication of its own: the caller adds one (the host: the admin key).
    /// </summary>
    public static RouteHandlerBuilder MapPeekerSandboxInspector(this IEndpointRouteBuilder endpoints, string prefix = DefaultPrefix) =>
        endpoints
            .MapGet(
                prefix + "/_inspect/{partnerId}",
                async (string partnerId, SandboxInspector inspector, CancellationToken ct) =>
                    Results.Json(await inspector.ReadAsync(partnerId, ct), new JsonSerializerOptions { WriteIndented = true })
            )
            .ExcludeFromDescription();

    /// <summary>
    /// Maps <c>PUT {prefix}/_customer/{partnerId}/nameservers/{domain}</c> with <c>{"nameservers": [...]}</c>: the
    /// simulated customer sets the nameservers of a domain it owns at its own registrar (an import), so partners can
    /// rehearse a customer reverting them. A zone that no longer matches turns <c>moved</c>; set back, it is
    /// <c>active</c> again at the next activation check. No authentication of its own, like the inspector.
    /// </summary>
    public static RouteHandlerBuilder MapPeekerSandboxCustomerNameservers(
        this IEndpointRouteBuilder endpoints,
        string prefix = DefaultPrefix
    ) =>
        endpoints
            .MapPut(
                prefix + "/_customer/{partnerId}/nameservers/{domain}",
                async (string partnerId, string domain, CustomerNameserversBody body, SandboxStore store, CancellationToken ct) =>
                {
                    if (body.Nameservers is not { Count: > 0 } nameservers)
                    {
                        return Results.BadRequest(new { error = "nameservers must list at least one host" });
                    }

                    var name = domain.Trim().ToLowerInvariant();
                    var state = new CustomerNameserversState(name, [.. nameservers.Select(n => n.Trim().ToLowerInvariant())]);
                    await store.UpsertAsync(partnerId, SandboxKinds.CustomerNameservers, name, state, ct);
                    return Results.Ok(state);
                }
            )
            .ExcludeFromDescription();
}

/// <summary>Body of the sandbox's customer nameserver hook.</summary>
public sealed record CustomerNameserversBody(IReadOnlyList<string>? Nameservers);

/// <summary>The nameservers a simulated customer set for its domain at its own registrar.</summary>
public sealed record CustomerNameserversState(string Domain, List<string> Nameservers);
