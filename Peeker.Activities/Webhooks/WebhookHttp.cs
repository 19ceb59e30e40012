using System.Net;
using System.Net.Sockets;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// The delivery HttpClient's primary handler: no redirects, no cookies, no proxy, and a connect callback that resolves
/// the host itself and refuses internal addresses (<see cref="WebhookUrlPolicy"/>), so DNS rebinding between the
/// save-time check and delivery cannot reach an internal service.
/// </summary>
public static class WebhookHttp
{
    /// <summary>Name of the typed/named client used for deliveries.</summary>
    public const string ClientName = "PeekerWebhooks";

    /// <summary>A handler with the delivery rules.</summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        AllowAutoRedirect = false,
        UseCookies = false,
        UseProxy = false,
        PooledConnectionLifetime = TimeSpan.FromMinutes(2),
        ConnectTimeout = TimeSpan.FromSeconds(10),
        ConnectCallback = ConnectAsync,
    };

    private static async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var environment = context.InitialRequestMessage.Options.TryGetValue(WebhookUrlPolicy.EnvironmentOption, out var env)
            ? env
            : PeekerEnvironment.Live;
        var host = context.DnsEndPoint.Host;
        var addresses = await WebhookUrlPolicy.ResolveAsync(host, cancellationToken);
        var check = WebhookUrlPolicy.CheckAddresses(environment, host, addresses);
        if (!check.IsAllowed)
        {
            throw new HttpRequestException($"blocked: {check.Reason}");
        }

        SocketException? last = null;
        foreach (var address in addresses)
        {
            var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch (SocketException e)
            {
                last = e;
                socket.Dispose();
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        }

        throw new HttpRequestException($"could not connect to {host}:{context.DnsEndPoint.Port}", last);
    }
}
