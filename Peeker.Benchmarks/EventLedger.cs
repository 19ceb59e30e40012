using System.Collections.Concurrent;
using System.Diagnostics;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>
/// The partners' webhook endpoint for the chaos runs: keeps every delivery (event id, type, data, arrival time), so a
/// run can count events lost, events delivered under more than one id, and when each order finished.
/// </summary>
internal sealed class EventLedger : IAsyncDisposable
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private WebApplication? _app;

    public ConcurrentQueue<Delivery> Deliveries { get; } = new();

    public string Url { get; private set; } = string.Empty;

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<EventLedger> StartAsync()
    {
        var ledger = new EventLedger();
        var port = LoopbackPorts.FreePort();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost(
            "/hooks",
            async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                var body = await reader.ReadToEndAsync();
                using var json = JsonDocument.Parse(body);
                var data = json.RootElement.GetProperty("data");
                ledger.Deliveries.Enqueue(
                    new Delivery(
                        context.Request.Headers["Peeker-Event-Id"].ToString(),
                        json.RootElement.GetProperty("type").GetString()!,
                        data.TryGetProperty("id", out var id) && id.ValueKind == JsonValueKind.String ? id.GetString()! : string.Empty,
                        data.GetRawText(),
                        ledger.Now
                    )
                );
                return Results.Ok();
            }
        );
        await app.StartAsync();
        ledger._app = app;
        ledger.Url = $"http://127.0.0.1:{port}/hooks";
        return ledger;
    }

    /// <summary>The first arrival of <paramref name="type"/> whose data mentions <paramref name="orderId"/>.</summary>
    public Delivery? First(string type, string orderId) =>
        Deliveries.FirstOrDefault(d => d.Type == type && d.Data.Contains(orderId, StringComparison.Ordinal));

    /// <summary>How many distinct resources (orders, for the <c>order.*</c> events) got an event of <paramref name="type"/>.</summary>
    public int Count(string type) => Deliveries.Where(d => d.Type == type).Select(d => d.ResourceId).Distinct().Count();

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
    }

    /// <summary>One delivery as the partner saw it.</summary>
    public sealed record Delivery(string EventId, string Type, string ResourceId, string Data, TimeSpan At);
}
