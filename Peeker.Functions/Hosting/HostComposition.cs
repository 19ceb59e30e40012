using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;
using Peeker.Durable.Hosting;
using Peeker.Functions.Admin;
using Peeker.Functions.Health;
using Peeker.Functions.Ops;
using Peeker.Functions.PartnerApi;
using Peeker.Functions.Webhooks;
using Peeker.Sandbox;

namespace Peeker.Functions.Hosting;

/// <summary>Composes the host from one extension per area (STYLE.md rule 4).</summary>
public static class HostComposition
{
    /// <summary>Registers every area's services.</summary>
    public static WebApplicationBuilder AddPeekerHost(this WebApplicationBuilder builder)
    {
        if (
            builder.Environment.IsDevelopment()
            && string.IsNullOrEmpty(builder.Configuration["urls"])
            && string.IsNullOrEmpty(builder.Configuration["ASPNETCORE_URLS"])
        )
        {
            builder.WebHost.UseUrls($"http://127.0.0.1:{builder.Configuration["Host:LocalHttpPort"] ?? "7071"}");
        }

        // Read from the final configuration when first resolved (sources added after this point, as tests do, count);
        // MapPeekerHost resolves it, so a bad value stops the host at startup.
        builder.Services.AddSingleton(sp => HostRoles.From(sp.GetRequiredService<IConfiguration>()));
        builder.Services.AddSingleton(sp => new DurableWorkerSwitch(sp.GetRequiredService<HostRoles>().Worker));
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddPeekerTelemetry();
        builder.Services.AddPeekerPublicBaseUrl();
        builder.Services.AddPeekerHealth(builder.Configuration);
        builder.Services.AddPeekerAdminKeys(builder.Configuration);
        builder.Services.AddPeekerEngine(builder.Configuration);
        builder.Services.AddPeekerProviders(builder.Configuration);
        builder.Services.AddPeekerSandbox(builder.Configuration);
        builder.AddSandboxSignInKeys();
        builder.AddPartnerApi();
        builder.Services.AddPeekerWebhooks(builder.Configuration);
        builder.Services.AddPeekerOpsConsole(builder.Configuration);
        return builder;
    }

    /// <summary>
    /// With the simulators mounted here and no <c>Providers:Sandbox:GoogleServiceAccountKey</c> configured, generates
    /// one sandbox Google service account key for this process and gives it to both sides: the sandbox clients sign
    /// their JWT-bearer assertions with it, the simulated token endpoint checks them against it. It never leaves memory.
    /// </summary>
    private static void AddSandboxSignInKeys(this WebApplicationBuilder builder)
    {
        var environment = builder.Environment;
        builder
            .Services.AddOptions<SandboxOptions>()
            .PostConfigure(o =>
            {
                if (string.IsNullOrEmpty(o.GoogleServiceAccountKey) && (o.Enabled ?? environment.IsDevelopment()))
                {
                    o.GoogleServiceAccountKey = SandboxIdentity
                        .GenerateGoogleKey(Activities.Google.GoogleServiceAccountKey.DefaultTokenUri)
                        .ToJson();
                }
            });

        // Both bind Providers:Sandbox, so they differ only when the simulators' side generated the key.
        builder
            .Services.AddOptions<SandboxProviderOptions>()
            .PostConfigure<IOptions<SandboxOptions>>(
                (o, simulators) =>
                    o.GoogleServiceAccountKey = string.IsNullOrEmpty(o.GoogleServiceAccountKey)
                        ? simulators.Value.GoogleServiceAccountKey
                        : o.GoogleServiceAccountKey
            );
    }

    /// <summary>
    /// Maps every area's endpoints, once the configuration is final: outside Development a development secret stops
    /// the host here; the simulators are mounted only when <c>Providers:Sandbox:Enabled</c> (default: Development only),
    /// with <c>_inspect</c> behind the admin key; the Partner API only on hosts with the <c>api</c> role (<see cref="HostRoles"/>).
    /// </summary>
    public static WebApplication MapPeekerHost(this WebApplication app)
    {
        DevelopmentSecrets.ThrowIfUsedOutsideDevelopment(app.Configuration, app.Environment);
        app.MapPeekerHealth();
        app.MapPeekerOps();
        app.MapPeekerOpsConsole();
        app.MapPartnerApi(app.Services.GetRequiredService<HostRoles>().Api);
        if (SandboxServiceCollectionExtensions.IsSandboxEnabled(app.Configuration, app.Environment))
        {
            app.MapPeekerSandbox();
            app.MapPeekerSandboxInspector().RequireAdminKey();
            app.MapPeekerSandboxCustomerNameservers().RequireAdminKey();
            SandboxListener.FollowServerAddress(app);
        }

        return app;
    }
}
