using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Peeker.Shared;

/// <summary>
/// Forwards every storage request to Azurite and counts it per service: the host process builds its own storage
/// clients, so the count is taken on the wire. With <see cref="StorageFaults"/> it also fails a share of the requests
/// (busy, internal error, timeout, dropped connection), and it reads every queue dequeue's answer to count messages
/// delivered to a host more than once (<see cref="Dequeues"/>).
/// </summary>
internal sealed class StorageProxy : IAsyncDisposable
{
    private readonly List<WebApplication> _apps = [];
    private readonly long[] _counts = new long[3];
    private readonly StorageFaults? _faults;
    private static readonly HttpClient Forwarder = new(new SocketsHttpHandler { AllowAutoRedirect = false, UseCookies = false });

    private StorageProxy(StorageFaults? faults) => _faults = faults;

    public string ConnectionString { get; private set; } = string.Empty;

    public long[] ByService => [.. _counts.Select((_, i) => Interlocked.Read(ref _counts[i]))];

    /// <summary>Queue messages handed to hosts, and how many were handed over again.</summary>
    public DequeueTally Dequeues { get; } = new();

    /// <summary>Requests that found Azurite down (answered by dropping the connection, as a refused connection would look).</summary>
    public long Unreachable => Interlocked.Read(ref _unreachable);

    private long _unreachable;

    public static async Task<StorageProxy> StartAsync(string azurite, StorageFaults? faults = null)
    {
        var proxy = new StorageProxy(faults);
        var connection = azurite;
        var services = new[] { "TableEndpoint", "QueueEndpoint", "BlobEndpoint" };
        for (var i = 0; i < services.Length; i++)
        {
            var target = EndpointRegex(services[i]).Match(azurite).Groups[1].Value;
            var port = LoopbackPorts.FreePort();
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
            var fault = _faults?.Next(service);
            if (fault is not null and not StorageFault.DropAfter)
            {
                await InjectAsync(context, fault.Value);
                return;
            }

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

            HttpResponseMessage response;
            try
            {
                response = await Forwarder.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, context.RequestAborted);
            }
            catch (HttpRequestException)
            {
                Interlocked.Increment(ref _unreachable);
                context.Abort();
                return;
            }

            using var _ = response;
            if (fault == StorageFault.DropAfter)
            {
                // Azurite did the work; the client never learns it.
                context.Abort();
                return;
            }

            context.Response.StatusCode = (int)response.StatusCode;
            foreach (var header in response.Headers.Concat(response.Content.Headers))
            {
                if (header.Key != "Transfer-Encoding")
                {
                    context.Response.Headers[header.Key] = header.Value.ToArray();
                }
            }

            if (service == 1 && context.Request.Method == "GET" && DequeueTally.IsDequeue(raw))
            {
                var body = await response.Content.ReadAsByteArrayAsync();
                await context.Response.Body.WriteAsync(body);
                Dequeues.Record(raw, body);
                return;
            }

            await response.Content.CopyToAsync(context.Response.Body);
        });
        await app.StartAsync();
        return app;
    }

    private async Task InjectAsync(HttpContext context, StorageFault fault)
    {
        if (fault == StorageFault.DropBefore)
        {
            context.Abort();
            return;
        }

        if (fault == StorageFault.Timeout)
        {
            try
            {
                await Task.Delay(_faults!.TimeoutDelay, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }

        var (status, code) = fault switch
        {
            StorageFault.Busy => (503, "ServerBusy"),
            StorageFault.Timeout => (500, "OperationTimedOut"),
            _ => (500, "InternalError"),
        };
        context.Response.StatusCode = status;
        context.Response.Headers["x-ms-error-code"] = code;
        context.Response.ContentType = "application/xml";
        await context.Response.WriteAsync(
            $"<?xml version=\"1.0\" encoding=\"utf-8\"?><Error><Code>{code}</Code><Message>Injected by the storage fault proxy.</Message></Error>"
        );
    }

    private static Regex EndpointRegex(string name) => new($"{name}=http://([^/]+)/");
}
