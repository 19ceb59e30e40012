using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Peeker.Tests.Support;

/// <summary>A request the receiver got: path, headers and the raw body bytes.</summary>
public sealed record ReceivedWebhook(string Path, IReadOnlyDictionary<string, string> Headers, byte[] Body);

/// <summary>
/// A partner's webhook endpoint on loopback (Kestrel, 127.0.0.1, port 0) that records every request, both raw
/// (<see cref="Requests"/>) and as a consumer reads it (<see cref="Deliveries"/>). It answers 200, 500 for the next
/// <see cref="FailNext"/> requests, or whatever a custom <c>respond</c> (given the 1-based request number) writes.
/// </summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failNext;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public ConcurrentQueue<ReceivedWebhook> Requests { get; } = new();

    public string Url { get; private set; } = string.Empty;

    /// <summary>How many of the next deliveries to answer 500 (then 200 again).</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    /// <summary>Starts a receiver; <paramref name="respond"/> writes each answer (default: 200, or 500 while <see cref="FailNext"/> lasts).</summary>
    public static async Task<WebhookReceiver> StartAsync(Func<int, HttpContext, Task>? respond = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        var count = 0;
        app.Run(async http =>
        {
            using var buffer = new MemoryStream();
            await http.Request.Body.CopyToAsync(buffer, http.RequestAborted);
            var headers = http.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase);
            receiver.Requests.Enqueue(new ReceivedWebhook(http.Request.Path, headers, buffer.ToArray()));
            receiver.Deliveries.Enqueue(
                new Delivery(
                    http.Request.Headers["Peeker-Event-Id"].ToString(),
                    http.Request.Headers["Peeker-Timestamp"].ToString(),
                    http.Request.Headers["Peeker-Signature"].ToString(),
                    Encoding.UTF8.GetString(buffer.ToArray())
                )
            );
            var number = Interlocked.Increment(ref count);
            if (respond is not null)
            {
                await respond(number, http);
            }
            else
            {
                http.Response.StatusCode = Interlocked.Decrement(ref receiver._failNext) >= 0 ? 500 : 200;
            }
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";
        return receiver;
    }

    /// <summary>A <c>respond</c> that answers <paramref name="status"/> with no body.</summary>
    public static Task Status(HttpContext context, int status)
    {
        ArgumentNullException.ThrowIfNull(context);
        context.Response.StatusCode = status;
        return Task.CompletedTask;
    }

    /// <summary>Distinct events (deduplicated by event id, as the docs tell partners to), in arrival order.</summary>
    public IReadOnlyList<Delivery> Events => [.. Deliveries.DistinctBy(d => d.EventId)];

    /// <summary>Waits until an event of <paramref name="type"/> arrives; fails at once with its body when order.failed arrives instead.</summary>
    public async Task<Delivery> WaitForAsync(string type, TimeSpan timeout, Func<Delivery, bool>? match = null)
    {
        using var cts = new CancellationTokenSource(timeout);
        while (true)
        {
            if (Deliveries.FirstOrDefault(d => d.Type == type && (match is null || match(d))) is { } found)
            {
                return found;
            }

            if (
                type != "order.failed"
                && Deliveries.FirstOrDefault(d => d.Type == "order.failed" && (match is null || match(d))) is { } failed
            )
            {
                throw new InvalidOperationException($"Expected {type} but the order failed: {failed.Body}");
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException(
                    $"No {type} webhook within {timeout}; received: {string.Join(", ", Deliveries.Select(d => d.Type))}"
                );
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }

    /// <summary>One delivery: headers and the raw body.</summary>
    public sealed record Delivery(string EventId, string Timestamp, string Signature, string Body)
    {
        public string Type => JsonDocument.Parse(Body).RootElement.GetProperty("type").GetString()!;

        public JsonElement Data => JsonDocument.Parse(Body).RootElement.GetProperty("data");

        /// <summary>Checks <c>v1=</c> HMAC-SHA256 over <c>{timestamp}.{body}</c>, computed here independently of the product code.</summary>
        public bool IsSignedWith(string secret)
        {
            var expected = Convert.ToHexStringLower(
                HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Body}"))
            );
            return Signature.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Any(part => part == $"v1={expected}");
        }
    }
}
