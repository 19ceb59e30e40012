using System.Net;
using System.Net.Sockets;
using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>The verdict on a webhook URL or address: allowed, or the reason it is not.</summary>
public sealed record WebhookUrlCheck(bool IsAllowed, string? Reason)
{
    public static readonly WebhookUrlCheck Allowed = new(true, null);

    public static WebhookUrlCheck Denied(string reason) => new(false, reason);
}

/// <summary>
/// SSRF rules for webhook endpoints, applied when a URL is saved and again at connect time by
/// <see cref="OutboundHttpGuard"/> (so a DNS answer that changes after saving cannot point us at an internal address).
/// <c>https</c> only, and every address the host resolves to must be public (no loopback, private, link-local, CGNAT,
/// multicast, unspecified or cloud-metadata addresses). One exception, for a developer receiving sandbox events on
/// their own machine: with <c>localDevelopment</c> (the host runs in Development), a sandbox (<c>pk_test_</c>) endpoint
/// may be <c>http</c> or <c>https</c> to <c>localhost</c>, <c>127.0.0.1</c> or <c>[::1]</c>.
/// </summary>
public static class WebhookUrlPolicy
{
    /// <summary>The checks that need no DNS: absolute URL, scheme, no credentials, no fragment.</summary>
    public static WebhookUrlCheck CheckSyntax(PeekerEnvironment environment, string? url, bool localDevelopment = false)
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

        if (
            uri.Scheme == Uri.UriSchemeHttp
            && AllowsLocalHost(environment, localDevelopment)
            && OutboundHttpGuard.IsLocalDevelopmentHost(uri.IdnHost)
        )
        {
            return WebhookUrlCheck.Allowed;
        }

        return AllowsLocalHost(environment, localDevelopment)
            ? WebhookUrlCheck.Denied("sandbox webhook endpoints must use https, or http to localhost / 127.0.0.1.")
            : WebhookUrlCheck.Denied("webhook endpoints must use https.");
    }

    /// <summary>Syntax plus the addresses the host resolves to (an IP literal is checked as is).</summary>
    public static async Task<WebhookUrlCheck> CheckAsync(PeekerEnvironment environment, string? url, CancellationToken cancellationToken) =>
        await CheckAsync(environment, url, localDevelopment: false, cancellationToken);

    /// <summary>Syntax plus the addresses the host resolves to; <paramref name="localDevelopment"/>: the host runs in Development.</summary>
    public static async Task<WebhookUrlCheck> CheckAsync(
        PeekerEnvironment environment,
        string? url,
        bool localDevelopment,
        CancellationToken cancellationToken
    )
    {
        var syntax = CheckSyntax(environment, url, localDevelopment);
        if (!syntax.IsAllowed)
        {
            return syntax;
        }

        var uri = new Uri(url!);
        IPAddress[] addresses;
        try
        {
            addresses = await OutboundHttpGuard.ResolveAsync(uri.IdnHost, cancellationToken);
        }
        catch (SocketException)
        {
            return WebhookUrlCheck.Denied($"the host '{uri.Host}' does not resolve.");
        }

        return CheckAddresses(environment, uri.IdnHost, addresses, localDevelopment);
    }

    /// <summary>Every address must be allowed; one internal address is enough to refuse (DNS answers rotate).</summary>
    public static WebhookUrlCheck CheckAddresses(
        PeekerEnvironment environment,
        string host,
        IReadOnlyCollection<IPAddress> addresses,
        bool localDevelopment = false
    ) =>
        OutboundHttpGuard.Refusal(host, addresses, AllowsLocalHost(environment, localDevelopment)) is { } reason
            ? WebhookUrlCheck.Denied(reason)
            : WebhookUrlCheck.Allowed;

    /// <summary>True when a request in <paramref name="environment"/> may go to a local development host.</summary>
    public static bool AllowsLocalHost(PeekerEnvironment environment, bool localDevelopment) =>
        localDevelopment && environment == PeekerEnvironment.Test;
}
