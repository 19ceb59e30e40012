using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Peeker.Benchmarks;

/// <summary>Receives the partner webhooks and times each order from its POST to its <c>order.completed</c>.</summary>
internal sealed class WebhookReceiver : IAsyncDisposable
{
    private readonly ConcurrentDictionary<string, TimeSpan> _posted = new();
    private readonly ConcurrentQueue<(string Body, TimeSpan At)> _completions = new();
    private readonly Dictionary<string, TimeSpan> _completed = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _failed = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SemaphoreSlim _changed = new(0);
    private WebApplication? _app;

    public string Url { get; private set; } = string.Empty;

    public TimeSpan Now => _clock.Elapsed;

    public static async Task<WebhookReceiver> StartAsync(int port)
    {
        var receiver = new WebhookReceiver();
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var app = builder.Build();
        app.MapPost(
            "/hooks",
            async (HttpContext context) =>
            {
                using var reader = new StreamReader(context.Request.Body);
                receiver.Receive(await reader.ReadToEndAsync());
                return Results.Ok();
            }
        );
        await app.StartAsync();
        receiver._app = app;
        receiver.Url = $"http://127.0.0.1:{port}/hooks";
        return receiver;
    }

    /// <summary>Records when an order's POST was sent (its webhook may arrive before the POST returns).</summary>
    public void Expect(string orderId, TimeSpan sentAt)
    {
        _posted[orderId] = sentAt;
        _changed.Release();
    }

    /// <summary>Once every order completed: seconds from the first POST to the last completion, and per order.</summary>
    public async Task<(double Seconds, double[] PerOrder)> AllCompletedAsync(string[] orderIds)
    {
        while (true)
        {
            foreach (var (body, at) in _completions)
            {
                foreach (var id in orderIds.Where(id => body.Contains(id, StringComparison.Ordinal)))
                {
                    _completed.TryAdd(id, at);
                }
            }

            if (orderIds.All(_completed.ContainsKey))
            {
                var seconds = (orderIds.Max(id => _completed[id]) - orderIds.Min(id => _posted[id])).TotalSeconds;
                return (seconds, [.. orderIds.Select(id => (_completed[id] - _posted[id]).TotalSeconds)]);
            }

            await Task.WhenAny(_changed.WaitAsync(), _failed.Task);
            if (_failed.Task.IsCompleted)
            {
                await _failed.Task;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }

        _changed.Dispose();
    }

    private void Receive(string body)
    {
        if (body.Contains("\"type\":\"order.failed\"", StringComparison.Ordinal))
        {
            _failed.TrySetException(new InvalidOperationException("order failed: " + body));
        }
        else if (body.Contains("\"type\":\"order.completed\"", StringComparison.Ordinal))
        {
            _completions.Enqueue((body, _clock.Elapsed));
        }

        _changed.Release();
    }
}
