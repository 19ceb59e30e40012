using System.Net;
using System.Net.Sockets;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Webhooks;

/// <summary>The verdict on a webhook URL or address: allowed, or the reason it is not.</summary>
public sealed record WebhookUrlCheck(bool IsAllowed, string? Reason)
{
    public static readonly WebhookUrlCheck Allowed = new(true, null);

    public static WebhookUrlCheck Denied(string reason) => new(false, reason);
}

/// <summary>
/// SSRF rules for webhook endpoints, applied when a URL is saved and again at connect time (so a DNS answer that
/// changes after saving cannot point us at an internal address). Live: <c>https</c> only, and every address the host
/// resolves to must be public (no loopback, private, link-local, CGNAT, multicast, unspecified or cloud-metadata
/// addresses). Test (sandbox): the same, except that <c>http</c> or <c>https</c> to <c>localhost</c>,
/// <c>127.0.0.1</c> or <c>[::1]</c> is allowed so a developer can receive events locally.
/// </summary>
public static class WebhookUrlPolicy
{
    /// <summary>Request option carrying the environment to the connect-time check.</summary>
    public static readonly HttpRequestOptionsKey<PeekerEnvironment> EnvironmentOption = new("Peeker.Webhooks.Environment");

    private static readonly IPNetwork[] BlockedNetworks =
    [
        IPNetwork.Parse("0.0.0.0/8"), IPNetwork.Parse("10.0.0.0/8"), IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"), IPNetwork.Parse("169.254.0.0/16"), IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"), IPNetwork.Parse("192.168.0.0/16"), IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/3"), IPNetwork.Parse("168.63.129.16/32"),
        IPNetwork.Parse("::/128"), IPNetwork.Parse("::1/128"), IPNetwork.Parse("fc00::/7"), IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"), IPNetwork.Parse("64:ff9b::/96"), IPNetwork.Parse("2001:db8::/32"),
    ];

    /// <summary>The checks that need no DNS: absolute URL, scheme, no credentials, no fragment.</summary>
    public static WebhookUrlCheck CheckSyntax(PeekerEnvironment environment, string? url)
    {
        if (string.IsNullOrWhiteSpace(url) || url.Length > 2048 || !Uri.TryCreate(url, UriKind.Absolute, out var uri))
        {
            return WebhookUrlCheck.Denied("url must be an absolute http(s) URL of at most 2048 characters.");
        }

        if (!string.IsNullOrEmpty(uri.UserInfo) || !string.IsNullOrEmpty(uri.Fragment))
        {
            return WebhookUrlCheck.Denied("url must not contain credentials or a fragment.");
        }

        if (uri.Scheme == Uri.UriSchemeHttps)
        {
            return WebhookUrlCheck.Allowed;
        }

        if (uri.Scheme == Uri.UriSchemeHttp && environment == PeekerEnvironment.Test && IsLocalDevelopmentHost(uri))
        {
            return WebhookUrlCheck.Allowed;
        }

        return environment == PeekerEnvironment.Live
            ? WebhookUrlCheck.Denied("live webhook endpoints must use https.")
            : WebhookUrlCheck.Denied("sandbox webhook endpoints must use https, or http to localhost / 127.0.0.1.");
    }

    /// <summary>Syntax plus the addresses the host resolves to (an IP literal is checked as is).</summary>
    public static async Task<WebhookUrlCheck> CheckAsync(PeekerEnvironment environment, string? url, CancellationToken cancellationToken)
    {
        var syntax = CheckSyntax(environment, url);
        if (!syntax.IsAllowed)
        {
            return syntax;
        }

        var uri = new Uri(url!);
        IPAddress[] addresses;
        try
        {
            addresses = await ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return WebhookUrlCheck.Denied($"the host '{uri.Host}' does not resolve.");
        }

        return CheckAddresses(environment, uri.IdnHost, addresses);
    }

    /// <summary>Every address must be allowed; one internal address is enough to refuse (DNS answers rotate).</summary>
    public static WebhookUrlCheck CheckAddresses(PeekerEnvironment environment, string host, IReadOnlyCollection<IPAddress> addresses)
    {
        if (addresses.Count == 0)
        {
            return WebhookUrlCheck.Denied($"the host '{host}' does not resolve.");
        }

        var localDevelopment = environment == PeekerEnvironment.Test && IsLocalDevelopmentHost(host);
        foreach (var address in addresses)
        {
            var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (localDevelopment && IPAddress.IsLoopback(normalized))
            {
                continue;
            }

            if (BlockedNetworks.Any(network => network.Contains(normalized)))
            {
                return WebhookUrlCheck.Denied($"the host '{host}' resolves to {normalized}, a loopback, private, link-local or metadata address.");
            }
        }

        return WebhookUrlCheck.Allowed;
    }

    /// <summary>The addresses of <paramref name="host"/>, without DNS for IP literals.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken) =>
        IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);

    private static bool IsLocalDevelopmentHost(Uri uri) => IsLocalDevelopmentHost(uri.IdnHost);

    private static bool IsLocalDevelopmentHost(string host) =>
        host.Trim('[', ']') is "localhost" or "127.0.0.1" or "::1";
}
