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

/// <summary>A partner's webhook endpoint on loopback (Kestrel) that records every delivery as a consumer sees it.</summary>
public sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly WebApplication _app;

    private WebhookReceiver(WebApplication app) => _app = app;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public string Url { get; private set; } = string.Empty;

    private int _failNext;

    /// <summary>How many of the next deliveries to answer 500 (then 200 again).</summary>
    public int FailNext
    {
        get => Volatile.Read(ref _failNext);
        set => Volatile.Write(ref _failNext, value);
    }

    public static async Task<WebhookReceiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        var receiver = new WebhookReceiver(app);
        app.MapPost("/hooks", async (HttpContext http) =>
        {
            using var reader = new StreamReader(http.Request.Body, Encoding.UTF8);
            var body = await reader.ReadToEndAsync();
            receiver.Deliveries.Enqueue(new Delivery(
                http.Request.Headers["Peeker-Event-Id"].ToString(),
                http.Request.Headers["Peeker-Timestamp"].ToString(),
                http.Request.Headers["Peeker-Signature"].ToString(),
                body));
            return Interlocked.Decrement(ref receiver._failNext) >= 0 ? Results.StatusCode(500) : Results.Ok();
        });
        await app.StartAsync();
        receiver.Url = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First() + "/hooks";
        return receiver;
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

            if (type != "order.failed" && Deliveries.FirstOrDefault(d => d.Type == "order.failed" && (match is null || match(d))) is { } failed)
            {
                throw new InvalidOperationException($"Expected {type} but the order failed: {failed.Body}");
            }

            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"No {type} webhook within {timeout}; received: {string.Join(", ", Deliveries.Select(d => d.Type))}");
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
            var expected = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(secret), Encoding.UTF8.GetBytes($"{Timestamp}.{Body}")));
            return Signature.Split([' ', ','], StringSplitOptions.RemoveEmptyEntries).Any(part => part == $"v1={expected}");
        }
    }
}
