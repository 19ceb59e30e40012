using System.Net;
using System.Net.Sockets;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Peeker.Benchmarks;

/// <summary>
/// Forwards every storage request to Azurite unchanged and counts it per service: the host process builds its own
/// storage clients, so the count is taken on the wire.
/// </summary>
internal sealed class CountingProxy : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly long[] _counts = new long[3];
    private static readonly HttpClient Forwarder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    public string ConnectionString { get; private set; } = string.Empty;

    public long[] ByService => [.. _counts.Select((_, i) => Interlocked.Read(ref _counts[i]))];

    public static async Task<CountingProxy> StartAsync(string azurite)
    {
        var proxy = new CountingProxy();
        var connection = azurite;
        var services = new[] { "TableEndpoint", "QueueEndpoint", "BlobEndpoint" };
        for (var i = 0; i < services.Length; i++)
        {
            var target = EndpointRegex(services[i]).Match(azurite).Groups[1].Value;
            var port = FreePort();
            proxy._apps.Add(await proxy.ForwardAsync(port, target, i));
            connection = connection.Replace(target, $"127.0.0.1:{port}", StringComparison.Ordinal);
        }

        proxy.ConnectionString = connection;
        return proxy;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var app in _apps)
        {
            await app.DisposeAsync();
        }
    }

    private async Task<WebApplication> ForwardAsync(int port, string target, int service)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.Run(async context =>
        {
            Interlocked.Increment(ref _counts[service]);
            // The raw target, exactly as the client encoded it: the SharedKey signature covers the encoded path.
            var raw = context.Features.Get<Microsoft.AspNetCore.Http.Features.IHttpRequestFeature>()!.RawTarget;
            using var request = new HttpRequestMessage(new HttpMethod(context.Request.Method), $"http://{target}{raw}");
            if (context.Request.ContentLength > 0 || context.Request.Headers.TransferEncoding.Count > 0)
            {
                using var buffer = new MemoryStream();
                await context.Request.Body.CopyToAsync(buffer);
                request.Content = new ByteArrayContent(buffer.ToArray());
            }

            foreach (var header in context.Request.Headers)
            {
                if (header.Key is "Host" or "Transfer-Encoding")
                {
                    continue;
                }

                if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray()))
                {
                    request.Content ??= new ByteArrayContent([]);
                    request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value.ToArray());
                }
            }

            using var response = await Forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key != "Transfer-Encoding")
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            await response.Content.CopyToAsync(context.Response.Body);
        });
        await app.StartAsync();
        return app;
    }

    private static Regex EndpointRegex(string name) => new($"{name}=http://([^/]+)/");

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
