using Microsoft.AspNetCore.HostFiltering;
using Microsoft.Extensions.Options;

namespace Peeker.Functions.Hosting;

/// <summary>
/// The origin (<c>scheme://host[:port]</c>) partners and operators reach this host at, from <c>Peeker:PublicBaseUrl</c>.
/// Absolute links (pagination <c>links</c>/<c>meta.path</c>, management status URLs) are built from it, never from
/// the request's <c>Host</c> header, so a forged header cannot plant another host in a response.
/// </summary>
public sealed class PublicBaseUrl(string origin)
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Peeker:PublicBaseUrl";

    /// <summary>The origin, without a trailing slash.</summary>
    public string Origin { get; } = origin;

    /// <summary>The absolute URL of <paramref name="request"/>'s path (no query) on the public origin.</summary>
    public string PathOf(HttpRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        return $"{Origin}{request.PathBase}{request.Path}";
    }

    /// <summary>The origin of <paramref name="text"/>, or null when it is not an absolute http(s) URL without path, query or credentials.</summary>
    public static string? TryParseOrigin(string? text) =>
        Uri.TryCreate(text, UriKind.Absolute, out var uri)
        && uri.Scheme is "http" or "https"
        && string.IsNullOrEmpty(uri.UserInfo)
        && uri.AbsolutePath == "/"
        && string.IsNullOrEmpty(uri.Query)
        && string.IsNullOrEmpty(uri.Fragment)
            ? uri.GetLeftPart(UriPartial.Authority)
            : null;
}

/// <summary>The resolved public origin (null when missing or invalid: the host then refuses to start).</summary>
public sealed class PublicBaseUrlOptions
{
    /// <summary>The origin links are built from.</summary>
    public string? Origin { get; set; }
}

/// <summary>Registers <see cref="PublicBaseUrl"/> and the host filtering that goes with it.</summary>
public static class PublicBaseUrlRegistration
{
    private static readonly string[] LoopbackHosts = ["localhost", "127.0.0.1", "[::1]"];

    /// <summary>
    /// <c>Peeker:PublicBaseUrl</c> is required outside Development (the host refuses to start without a valid one,
    /// naming the key); in Development it defaults to the listening address. <c>AllowedHosts</c> (host filtering:
    /// 400 for any other <c>Host</c>) defaults to the loopback names in Development and to the public base URL's host
    /// elsewhere; set it (semicolon-separated) to add names such as a health-probe address.
    /// </summary>
    public static IServiceCollection AddPeekerPublicBaseUrl(this IServiceCollection services)
    {
        // Read when resolved, not at registration: configuration is final only once the host is built.
        services
            .AddOptions<PublicBaseUrlOptions>()
            .Configure<IConfiguration, IHostEnvironment>(
                (options, configuration, environment) =>
                    options.Origin =
                        configuration[PublicBaseUrl.Key] is { Length: > 0 } configured ? PublicBaseUrl.TryParseOrigin(configured)
                        : environment.IsDevelopment()
                            ? ListeningOrigin(
                                configuration["urls"] ?? configuration["ASPNETCORE_URLS"],
                                configuration["Host:LocalHttpPort"]
                            )
                        : null
            )
            .Validate(
                options => options.Origin is not null,
                $"{PublicBaseUrl.Key} must be set outside Development to the origin partners call, an absolute http(s) URL without path, query or credentials (https://api.example.com)."
            )
            .ValidateOnStart();
        services.AddSingleton(sp => new PublicBaseUrl(sp.GetRequiredService<IOptions<PublicBaseUrlOptions>>().Value.Origin!));
        // After the framework's own default ("*" when AllowedHosts is unset), which this replaces.
        services
            .AddOptions<HostFilteringOptions>()
            .PostConfigure<IConfiguration, IHostEnvironment, IOptions<PublicBaseUrlOptions>>(
                (options, configuration, environment, publicBase) =>
                {
                    if (string.IsNullOrEmpty(configuration["AllowedHosts"]))
                    {
                        options.AllowedHosts = environment.IsDevelopment() ? LoopbackHosts : [new Uri(publicBase.Value.Origin!).Host];
                    }
                }
            );
        return services;
    }

    // The first configured URL (urls / ASPNETCORE_URLS), else the Development default HostComposition listens on.
    private static string ListeningOrigin(string? urls, string? localHttpPort)
    {
        var first = urls?.Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
        if (first is not null)
        {
            first = first
                .Replace("://+", "://localhost", StringComparison.Ordinal)
                .Replace("://*", "://localhost", StringComparison.Ordinal)
                .Replace("://0.0.0.0", "://localhost", StringComparison.Ordinal)
                .Replace("://[::]", "://localhost", StringComparison.Ordinal);
        }

        return PublicBaseUrl.TryParseOrigin(first) ?? $"http://127.0.0.1:{localHttpPort ?? "7071"}";
    }
}
