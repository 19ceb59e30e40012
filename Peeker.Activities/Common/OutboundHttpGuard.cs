using System.Net;
using System.Net.Sockets;

namespace Peeker.Activities.Common;

/// <summary>
/// The one SSRF guard for every outbound call to a URL a partner gave us (webhook endpoints, forwarding targets,
/// profile pictures). Its handler follows no redirect, sends no cookie, uses no proxy, and its connect callback
/// resolves the host itself and refuses loopback, private, link-local, CGNAT, multicast, unspecified and
/// cloud-metadata addresses, so a DNS answer that changes after a save-time check (rebinding) cannot reach an
/// internal service. The only exception is a request that carries <see cref="AllowLocalDevelopmentHostOption"/>
/// (a sandbox webhook while the host runs in Development) to <c>localhost</c>, <c>127.0.0.1</c> or <c>[::1]</c>.
/// </summary>
public static class OutboundHttpGuard
{
    /// <summary>
    /// Request option: this request may reach a local development host on loopback. Set only by callers that know
    /// the host runs in Development.
    /// </summary>
    public static readonly HttpRequestOptionsKey<bool> AllowLocalDevelopmentHostOption = new("Peeker.Outbound.AllowLocalDevelopmentHost");

    private static readonly IPNetwork[] BlockedNetworks =
    [
        IPNetwork.Parse("0.0.0.0/8"),
        IPNetwork.Parse("10.0.0.0/8"),
        IPNetwork.Parse("100.64.0.0/10"),
        IPNetwork.Parse("127.0.0.0/8"),
        IPNetwork.Parse("169.254.0.0/16"),
        IPNetwork.Parse("172.16.0.0/12"),
        IPNetwork.Parse("192.0.0.0/24"),
        IPNetwork.Parse("192.168.0.0/16"),
        IPNetwork.Parse("198.18.0.0/15"),
        IPNetwork.Parse("224.0.0.0/3"),
        IPNetwork.Parse("168.63.129.16/32"),
        IPNetwork.Parse("::/128"),
        IPNetwork.Parse("::1/128"),
        IPNetwork.Parse("fc00::/7"),
        IPNetwork.Parse("fe80::/10"),
        IPNetwork.Parse("ff00::/8"),
        IPNetwork.Parse("64:ff9b::/96"),
        IPNetwork.Parse("2001:db8::/32"),
    ];

    /// <summary>
    /// A handler with the guard. <paramref name="resolve"/> replaces DNS (tests resolve names to chosen addresses
    /// without a resolver); the default resolves with the system resolver.
    /// </summary>
    public static SocketsHttpHandler CreateHandler(Func<string, CancellationToken, Task<IPAddress[]>>? resolve = null) =>
        new()
        {
            AllowAutoRedirect = false,
            UseCookies = false,
            UseProxy = false,
            PooledConnectionLifetime = TimeSpan.FromMinutes(2),
            ConnectTimeout = TimeSpan.FromSeconds(10),
            ConnectCallback = (context, cancellationToken) => ConnectAsync(context, resolve ?? ResolveAsync, cancellationToken),
        };

    /// <summary>Null when every address may be reached, else why not. One internal address is enough to refuse (DNS answers rotate).</summary>
    public static string? Refusal(string host, IReadOnlyCollection<IPAddress> addresses, bool allowLocalDevelopmentHost)
    {
        ArgumentNullException.ThrowIfNull(addresses);
        if (addresses.Count == 0)
        {
            return $"the host '{host}' does not resolve.";
        }

        var localDevelopment = allowLocalDevelopmentHost && IsLocalDevelopmentHost(host);
        foreach (var address in addresses)
        {
            var normalized = address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address;
            if (localDevelopment && IPAddress.IsLoopback(normalized))
            {
                continue;
            }

            if (BlockedNetworks.Any(network => network.Contains(normalized)))
            {
                // The address itself is not named: it would tell a partner what an internal name resolves to.
                return $"the host '{host}' resolves to a loopback, private, link-local or metadata address.";
            }
        }

        return null;
    }

    /// <summary>The addresses of <paramref name="host"/>, without DNS for IP literals.</summary>
    public static async Task<IPAddress[]> ResolveAsync(string host, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(host);
        return IPAddress.TryParse(host.Trim('[', ']'), out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
    }

    /// <summary>True for the names a developer's own machine answers on: <c>localhost</c>, <c>127.0.0.1</c>, <c>[::1]</c>.</summary>
    public static bool IsLocalDevelopmentHost(string host) => host?.Trim('[', ']') is "localhost" or "127.0.0.1" or "::1";

    /// <summary>
    /// Reads <paramref name="content"/> as it streams in, refusing (<see cref="InvalidDataException"/>) a declared or
    /// actual length over <paramref name="maxBytes"/> without buffering more than that.
    /// </summary>
    public static async Task<byte[]> ReadBoundedAsync(HttpContent content, long maxBytes, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        if (content.Headers.ContentLength > maxBytes)
        {
            throw new InvalidDataException($"The response is {content.Headers.ContentLength} bytes; at most {maxBytes} are accepted.");
        }

        await using var stream = await content.ReadAsStreamAsync(cancellationToken);
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        int read;
        while ((read = await stream.ReadAsync(chunk, cancellationToken)) > 0)
        {
            if (buffer.Length + read > maxBytes)
            {
                throw new InvalidDataException($"The response is over {maxBytes} bytes.");
            }

            buffer.Write(chunk, 0, read);
        }

        return buffer.ToArray();
    }

    private static async ValueTask<Stream> ConnectAsync(
        SocketsHttpConnectionContext context,
        Func<string, CancellationToken, Task<IPAddress[]>> resolve,
        CancellationToken cancellationToken
    )
    {
        var allowLocal = context.InitialRequestMessage.Options.TryGetValue(AllowLocalDevelopmentHostOption, out var allowed) && allowed;
        var host = context.DnsEndPoint.Host;
        var addresses = await resolve(host, cancellationToken);
        if (Refusal(host, addresses, allowLocal) is { } reason)
        {
            throw new OutboundRequestRefusedException(reason);
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

/// <summary>The guard refused to connect: the host resolves to an internal address.</summary>
public sealed class OutboundRequestRefusedException : HttpRequestException
{
    /// <summary>A refusal with its reason.</summary>
    public OutboundRequestRefusedException(string reason)
        : base("blocked: " + reason) => Reason = reason;

    /// <summary>Why the connection was refused.</summary>
    public string Reason { get; } = string.Empty;

    /// <summary>The refusal in <paramref name="exception"/> or its inner exception (the handler wraps connect failures), if any.</summary>
    public static OutboundRequestRefusedException? Find(Exception? exception) =>
        exception as OutboundRequestRefusedException ?? exception?.InnerException as OutboundRequestRefusedException;
}
