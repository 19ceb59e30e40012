using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;
using Peeker.Activities.Providers;

namespace Peeker.Functions.Hosting;

/// <summary>
/// Points sandbox provider calls at the simulators mounted in this host when the operator did not set
/// <c>Providers:Sandbox:BaseUrl</c>: a host started on another port than 7071 then still reaches its own simulators.
/// </summary>
public static class SandboxListener
{
    /// <summary>Once the server listens, records its first address (http preferred) plus <c>/sandbox</c>.</summary>
    public static void FollowServerAddress(WebApplication app)
    {
        var options = app.Services.GetRequiredService<IOptions<SandboxProviderOptions>>().Value;
        if (options.BaseUrl is not null)
        {
            return;
        }

        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (Pick(addresses) is { } address)
            {
                options.UseListener(address + "/sandbox");
            }
        });
    }

    /// <summary>An address this process can call itself on: http first, a wildcard host replaced by loopback; null when none.</summary>
    public static string? Pick(IEnumerable<string> addresses)
    {
        var uris = addresses
            .Select(a =>
                Uri.TryCreate(
                    a.Replace("://+", "://0.0.0.0", StringComparison.Ordinal).Replace("://*", "://0.0.0.0", StringComparison.Ordinal),
                    UriKind.Absolute,
                    out var u
                )
                    ? u
                    : null
            )
            .OfType<Uri>()
            .OrderBy(u => u.Scheme == Uri.UriSchemeHttp ? 0 : 1)
            .ToList();
        if (uris.Count == 0)
        {
            return null;
        }

        var uri = uris[0];
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "127.0.0.1" : uri.Host;
        return $"{uri.Scheme}://{(host.Contains(':', StringComparison.Ordinal) && !host.StartsWith('[') ? $"[{host}]" : host)}:{uri.Port}";
    }
}
