using System.Globalization;
using System.Text.Json;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>The soak's phases: orders placed; waiting for the last orders and cancellations; no work at all.</summary>
internal enum SoakPhase
{
    Load,
    Drain,
    Idle,
}

/// <summary>
/// One window of the soak (a minute, or what was left of one when a phase ended): what happened in it and what the
/// host looked like at its end.
/// </summary>
internal sealed record SoakSample(
    int Minute,
    SoakPhase Phase,
    double Seconds,
    int Placed,
    int Completed,
    int Cancelled,
    double? RssMb,
    double? HeapMb,
    double[] RequestsPerSecond,
    int Webhooks
)
{
    public double TotalRequestsPerSecond => RequestsPerSecond.Sum();

    public static string Header =>
        "| min | phase | placed | completed | cancelled | host RSS MB | managed heap MB | table req/s | queue req/s | blob req/s | webhooks |\n"
        + "| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |";

    public override string ToString() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"| {Minute} | {Phase.ToString().ToLowerInvariant()}{(Seconds < 59 ? $" ({Seconds:F0} s)" : "")} | {Placed} | {Completed} | {Cancelled} | "
                + $"{Mb(RssMb)} | {Mb(HeapMb)} | {RequestsPerSecond[0]:F1} | {RequestsPerSecond[1]:F1} | {RequestsPerSecond[2]:F1} | {Webhooks} |"
        );

    private static string Mb(double? value) => value is { } v ? v.ToString("F0", CultureInfo.InvariantCulture) : "n/a";
}

/// <summary>
/// Takes a <see cref="SoakSample"/> every minute: orders placed, completed and cancelled (distinct order ids in the
/// webhooks), the host's resident memory (<c>/proc/{pid}/status</c> VmRSS), its managed heap (<c>/health</c>'s
/// <c>managed_heap_bytes</c>), storage requests per second per service from the proxy, webhooks received.
/// </summary>
internal sealed class SoakSampler(HostFleet fleet, StorageProxy proxy, EventLedger ledger, HttpClient http)
{
    private TimeSpan _from;
    private SoakPhase _phase;
    private long[] _requests = [];
    private int _placed;
    private int _completed;
    private int _cancelled;
    private int _webhooks;

    public List<SoakSample> Samples { get; } = [];

    public Task StartAsync()
    {
        Console.WriteLine(SoakSample.Header);
        Begin(0, SoakPhase.Load);
        return Task.CompletedTask;
    }

    /// <summary>Takes the sample when a minute has passed since the last one.</summary>
    public async Task TickAsync(int placed, TimeSpan now)
    {
        if (now - _from >= TimeSpan.FromMinutes(1))
        {
            await SampleAsync(placed, now);
        }
    }

    /// <summary>Closes the current window early (a phase ends) and starts the next one now.</summary>
    public async Task CloseAsync(int placed, SoakPhase next)
    {
        if (ledger.Now - _from > TimeSpan.FromSeconds(5))
        {
            await SampleAsync(placed, ledger.Now);
        }

        Begin(placed, next);
    }

    private async Task SampleAsync(int placed, TimeSpan now)
    {
        var seconds = (now - _from).TotalSeconds;
        var requests = proxy.ByService;
        var completed = ledger.Count("order.completed");
        var cancelled = ledger.Count("order.cancelled");
        var webhooks = ledger.Deliveries.Count;
        var sample = new SoakSample(
            Samples.Count + 1,
            _phase,
            seconds,
            placed - _placed,
            completed - _completed,
            cancelled - _cancelled,
            RssMb(),
            await HeapMbAsync(),
            [.. requests.Select((n, i) => (n - _requests[i]) / seconds)],
            webhooks - _webhooks
        );
        Samples.Add(sample);
        Console.WriteLine(sample);
        Begin(placed, _phase);
    }

    private void Begin(int placed, SoakPhase phase)
    {
        _from = ledger.Now;
        _phase = phase;
        _requests = proxy.ByService;
        _placed = placed;
        _completed = ledger.Count("order.completed");
        _cancelled = ledger.Count("order.cancelled");
        _webhooks = ledger.Deliveries.Count;
    }

    private double? RssMb()
    {
        var status = fleet.ProcessId(0) is { } pid ? $"/proc/{pid}/status" : null;
        if (status is null || !File.Exists(status))
        {
            return null;
        }

        var line = File.ReadLines(status).FirstOrDefault(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        var kb = line?.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1];
        return kb is null ? null : double.Parse(kb, CultureInfo.InvariantCulture) / 1024;
    }

    private async Task<double?> HeapMbAsync()
    {
        try
        {
            using var response = await http.GetAsync(new Uri(fleet.Address(0), "/health"));
            using var json = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            return json.RootElement.TryGetProperty("managed_heap_bytes", out var heap) ? heap.GetInt64() / 1024.0 / 1024.0 : null;
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException or JsonException)
        {
            return null;
        }
    }
}
