using Peeker.Activities.Common;
using Peeker.Functions.Admin;

namespace Peeker.Functions.PartnerApi;

/// <summary>Registers and maps the Partner API (<c>/partner/v1</c>, alias <c>/api/partner/v1</c>), its admin API and OpenAPI document.</summary>
public static class PartnerApiComposition
{
    /// <summary>Canonical base path.</summary>
    public const string BasePath = "/partner/v1";

    /// <summary>Older base path, same handlers.</summary>
    public const string AliasPath = "/api/partner/v1";

    /// <summary>OpenAPI document name (served at <c>/openapi/partner.json</c>).</summary>
    public const string DocumentName = "partner";

    /// <summary>Registers stores, services and the startup task (the workflow seam and registrar come from the engine and providers areas).</summary>
    public static WebApplicationBuilder AddPartnerApi(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddPartnerStores();
        services.AddSingleton<PartnerRateLimits>();
        services.AddSingleton<PartnerAuth>();
        services.AddSingleton<PartnerApiStartup>();
        services.AddHostedService(sp => sp.GetRequiredService<PartnerApiStartup>());
        services.AddOpenApi(DocumentName, PartnerOpenApi.Configure);
        return builder;
    }

    /// <summary>
    /// Maps the error/request-id middleware and, when <paramref name="routes"/> (the host's <c>api</c> role), both partner
    /// base paths, the admin API and the OpenAPI document.
    /// </summary>
    public static WebApplication MapPartnerApi(this WebApplication app, bool routes = true)
    {
        app.UseMiddleware<ErrorHandling>();
        if (!routes)
        {
            return app;
        }

        foreach (var prefix in new[] { BasePath, AliasPath })
        {
            var group = app.MapGroup(prefix).RequirePartnerKey().WithTags("Partner API");
            if (prefix == AliasPath)
            {
                group.ExcludeFromDescription();
            }

            MeFunctions.Map(group);
            BundleFunctions.Map(group);
            UserFunctions.Map(group);
            DomainFunctions.Map(group);
            OrderFunctions.Map(group);
            SwapFunctions.Map(group);
            UserNameSwapFunctions.Map(group);
            WebhookFunctions.Map(group);
        }

        app.MapAdmin();
        app.MapOpenApi("/openapi/{documentName}.json");
        return app;
    }
}
