using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// The delivery HttpClient: its primary handler is <see cref="OutboundHttpGuard"/>'s (no redirects, no cookies, no
/// proxy, internal addresses refused at connect time after DNS resolution).
/// </summary>
public static class WebhookHttp
{
    /// <summary>Name of the named client used for deliveries (and forwarding-target checks).</summary>
    public const string ClientName = "PeekerWebhooks";

    /// <summary>A handler with the delivery rules.</summary>
    public static SocketsHttpHandler CreateHandler() => OutboundHttpGuard.CreateHandler();
}
