using System.Security.Claims;
using Azure.Storage.Blobs;
using Microsoft.AspNetCore.DataProtection;
using Microsoft.AspNetCore.DataProtection.KeyManagement;
using Microsoft.AspNetCore.Mvc;

namespace Peeker.Functions.Ops;

/// <summary>
/// The ops console under <c>/ops</c>: server-rendered Razor Pages for operators, signed in once with
/// <c>Peeker:AdminKey</c> into a short-lived cookie session (HttpOnly, SameSite=Strict, Secure over https, 30 minutes
/// sliding), anti-forgery on every POST. Every page but sign-in requires the session; without it a page redirects to
/// sign-in. Nothing else in the host authenticates with cookies: the APIs keep their bearer keys.
/// </summary>
public static class OpsConsoleComposition
{
    /// <summary>The console's root path.</summary>
    public const string BasePath = "/ops";

    /// <summary>The cookie authentication scheme of the console.</summary>
    public const string Scheme = "PeekerOps";

    /// <summary>The role claim a console session carries.</summary>
    public const string AdminRole = "peeker-admin";

    /// <summary>The session cookie's name.</summary>
    public const string CookieName = "peeker_ops";

    /// <summary>How long an idle session lasts (each request slides it).</summary>
    public static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(30);

    /// <summary>
    /// The data-protection application name: every host of one deployment uses it, so their protectors agree on the
    /// shared key ring (the default would be the content root path, which differs between machines).
    /// </summary>
    public const string ApplicationName = "Peeker";

    private const string Policy = "PeekerOpsAdmin";

    /// <summary>
    /// Registers the console's pages, session cookie, anti-forgery and engine/order readers, with the data-protection
    /// key ring in a blob of the host's storage account (<c>AzureWebJobsStorage</c>) so several hosts behind a
    /// balancer accept each other's cookies and anti-forgery tokens.
    /// </summary>
    public static IServiceCollection AddPeekerOpsConsole(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddDataProtection().SetApplicationName(ApplicationName);
        services
            .AddOptions<KeyManagementOptions>()
            .Configure(o =>
                o.XmlRepository = new BlobXmlRepository(
                    new BlobContainerClient(
                        configuration["AzureWebJobsStorage"] is { Length: > 0 } connection
                            ? connection
                            : throw new InvalidOperationException(
                                "AzureWebJobsStorage is not configured: the ops console keeps its data-protection keys there."
                            ),
                        BlobXmlRepository.DefaultContainerName
                    )
                )
            );
        services.AddScoped<OpsInstances>();
        services.AddScoped<OpsOrders>();
        services
            .AddAuthentication(Scheme)
            .AddCookie(
                Scheme,
                options =>
                {
                    options.Cookie.Name = CookieName;
                    options.Cookie.Path = BasePath;
                    options.Cookie.HttpOnly = true;
                    options.Cookie.SameSite = SameSiteMode.Strict;
                    options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
                    options.ExpireTimeSpan = SessionLifetime;
                    options.SlidingExpiration = true;
                    options.LoginPath = BasePath + "/signin";
                    options.LogoutPath = BasePath + "/signout";
                    options.AccessDeniedPath = BasePath + "/signin";
                }
            );
        services
            .AddAuthorizationBuilder()
            .AddPolicy(
                Policy,
                policy => policy.AddAuthenticationSchemes(Scheme).RequireAuthenticatedUser().RequireClaim(ClaimTypes.Role, AdminRole)
            );
        services.AddAntiforgery(options =>
        {
            options.Cookie.Name = CookieName + "_af";
            options.Cookie.Path = BasePath;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
            options.FormFieldName = "__ops_af";
        });
        services.AddRazorPages(options =>
        {
            options.RootDirectory = "/Ops/Pages";
            options.Conventions.AuthorizeFolder("/", Policy);
            options.Conventions.AllowAnonymousToPage("/SignIn");
            options.Conventions.ConfigureFilter(new OpsResponseHeaders());
        });
        // The action notices ride in the TempData cookie: scoped and locked like the session's.
        services.Configure<CookieTempDataProviderOptions>(options =>
        {
            options.Cookie.Name = CookieName + "_notice";
            options.Cookie.Path = BasePath;
            options.Cookie.SameSite = SameSiteMode.Strict;
            options.Cookie.SecurePolicy = CookieSecurePolicy.SameAsRequest;
        });
        return services;
    }

    /// <summary>Maps the console's pages (their routes all start with <see cref="BasePath"/>).</summary>
    public static IEndpointRouteBuilder MapPeekerOpsConsole(this IEndpointRouteBuilder routes)
    {
        routes.MapRazorPages();
        return routes;
    }

    /// <summary>The principal of a console session.</summary>
    public static ClaimsPrincipal Operator() =>
        new(new ClaimsIdentity([new Claim(ClaimTypes.Name, "operator"), new Claim(ClaimTypes.Role, AdminRole)], Scheme));
}
