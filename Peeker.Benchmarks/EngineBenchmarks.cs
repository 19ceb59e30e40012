using DurableTask.Core;
using DurableTask.Core.History;

namespace Peeker.Benchmarks;

/// <summary>
/// DTFx with our host.json settings against DTFx with Durable Functions' defaults, each scenario on a fresh in-memory
/// Azurite per settings column (Azurite's queue store slows down under long traffic). Prints one table.
/// </summary>
/// <remarks>
/// Options: <c>--quick</c> (smaller smoke run), <c>--set key=value</c> (override one of our settings, key relative to
/// <c>extensions.durableTask</c>, repeatable), <c>--only a,b</c> (scenarios: fanout100, fanout1000, chain, batch, idle,
/// order, orders), <c>--repeat N</c> (alternate the columns N times and keep each one's median run; default 3, 1 with --quick; the order scenarios run once), <c>--ours-only</c> (tuning).
/// </remarks>
public static class EngineBenchmarks
{
    private const int ChainSteps = 50;
    private static int _repeat = 1;
    private static bool _oursOnly;

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        _oursOnly = args.Contains("--ours-only");
        _repeat = int.Parse(Arg(args, "--repeat") ?? (quick ? "1" : "3"), System.Globalization.CultureInfo.InvariantCulture);
        var only = Arg(args, "--only")?.Split(',') ?? [];
        bool Runs(string name) => only.Length == 0 || only.Contains(name);
        var ours = SettingsProfile.Ours(args);
        var defaults = SettingsProfile.DurableFunctionsDefaults();
        var concurrentOrders = quick ? 3 : 20;
        Console.WriteLine(
            $"Peeker engine benchmarks: DTFx on Azurite, fresh Azurite per scenario and column, {Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:u}{(quick ? " (quick)" : "")}"
        );
        Console.WriteLine("  " + ours.Describe());
        Console.WriteLine("  " + defaults.Describe());
        var table = new ResultTable(ours.Name, defaults.Name);

        foreach (var count in quick ? new[] { 100 } : [100, 1000])
        {
            if (Runs($"fanout{count}"))
            {
                var (o, d) = await BothAsync(
                    $"fan-out {count}",
                    ours,
                    defaults,
                    p => MeasureAsync(p, async h => [await h.ScheduleAsync(BenchOrchestrations.FanOut, count)]),
                    r => r.Seconds
                );
                table.Add(
                    $"fan-out/fan-in {count}: activities/s",
                    count / o?.Seconds,
                    count / d?.Seconds,
                    "F0",
                    true,
                    count == 100 ? "242" : ""
                );
                table.Add($"fan-out/fan-in {count}: storage requests/activity", o?.PerItem(count), d?.PerItem(count), "F1", false);
            }
        }

        if (Runs("chain"))
        {
            var (o, d) = await BothAsync(
                "chain",
                ours,
                defaults,
                p => MeasureAsync(p, async h => [await h.ScheduleAsync(BenchOrchestrations.Chain, ChainSteps)], steps: true),
                r => r.Seconds
            );
            table.Add($"chain of {ChainSteps}: activities/s", ChainSteps / o?.Seconds, ChainSteps / d?.Seconds, "F1", true);
            table.Add($"chain of {ChainSteps}: step p50 ms", o?.Percentile(0.5), d?.Percentile(0.5), "F1", false, "7.0");
            table.Add($"chain of {ChainSteps}: step p95 ms", o?.Percentile(0.95), d?.Percentile(0.95), "F1", false);
            table.Add($"chain of {ChainSteps}: storage requests/activity", o?.PerItem(ChainSteps), d?.PerItem(ChainSteps), "F1", false);
        }

        if (Runs("batch"))
        {
            var instances = quick ? 50 : 200;
            var (o, d) = await BothAsync(
                "batch",
                ours,
                defaults,
                p =>
                    MeasureAsync(
                        p,
                        h => Task.WhenAll(Enumerable.Range(0, instances).Select(_ => h.ScheduleAsync(BenchOrchestrations.Chain, 5)))
                    ),
                r => r.Seconds
            );
            table.Add(
                $"{instances} instances x 5 chained: instances/s",
                instances / o?.Seconds,
                instances / d?.Seconds,
                "F1",
                true,
                instances == 200 ? "33.9" : ""
            );
            table.Add(
                $"{instances} instances x 5 chained: storage requests/activity",
                o?.PerItem(instances * 5),
                d?.PerItem(instances * 5),
                "F1",
                false
            );
        }

        if (Runs("idle"))
        {
            var (settle, window) = quick
                ? (TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(10))
                : (TimeSpan.FromSeconds(60), TimeSpan.FromSeconds(60));
            // Both columns at once: an idle hub barely uses the CPU, and this halves the longest wait of the run.
            var both = await Task.WhenAll(
                TryAsync("idle ours", () => IdleAsync(ours, settle, window)),
                TryAsync("idle defaults", () => IdleAsync(defaults, settle, window))
            );
            table.Add($"idle hub, one worker: storage requests/s (after {settle.TotalSeconds:F0} s idle)", both[0], both[1], "F2", false);
        }

        if (Runs("order"))
        {
            var (o, d) = await BothAsync("order", ours, defaults, p => OrderBenchmark.RunOrdersAsync(1, p), r => r.Seconds, repeat: 1);
            table.Add("19-domain sandbox order: POST -> order.completed s", o?.Seconds, d?.Seconds, "F1", false);
            table.Add("19-domain sandbox order: storage requests after POST", o?.RequestsAfterPost, d?.RequestsAfterPost, "F0", false);
        }

        if (Runs("orders"))
        {
            var (o, d) = await BothAsync(
                "orders",
                ours,
                defaults,
                p => OrderBenchmark.RunOrdersAsync(concurrentOrders, p),
                r => r.Seconds,
                repeat: 1
            );
            table.Add($"{concurrentOrders} orders at once: orders/minute", o?.OrdersPerMinute, d?.OrdersPerMinute, "F1", true);
            table.Add($"{concurrentOrders} orders at once: order p50 s", o?.Percentile(0.5), d?.Percentile(0.5), "F1", false);
        }

        table.Print();
        return 0;
    }

    /// <summary>
    /// Measures both columns, alternating ours and defaults <see cref="_repeat"/> times so drift on a shared machine hits
    /// both alike, and keeps each column's median run by <paramref name="key"/>.
    /// </summary>
    private static async Task<(T? Ours, T? Defaults)> BothAsync<T>(
        string name,
        SettingsProfile ours,
        SettingsProfile defaults,
        Func<SettingsProfile, Task<T>> measure,
        Func<T, double> key,
        int? repeat = null
    )
        where T : class
    {
        List<T> o = [],
            d = [];
        for (var i = 0; i < (repeat ?? _repeat); i++)
        {
            if (await TryAsync($"{name} ours", () => measure(ours)) is { } a)
            {
                o.Add(a);
            }

            if (!_oursOnly && await TryAsync($"{name} defaults", () => measure(defaults)) is { } b)
            {
                d.Add(b);
            }
        }

        T? Median(List<T> runs) => runs.Count == 0 ? null : runs.OrderBy(key).ElementAt(runs.Count / 2);
        return (Median(o), Median(d));
    }

    private static async Task<T?> TryAsync<T>(string name, Func<Task<T>> measure)
    {
        try
        {
            return await measure();
        }
        catch (Exception ex) when (ex is not OutOfMemoryException)
        {
            // One failed scenario must not lose the rest of a long run: its cells print as n/a.
            Console.WriteLine($"  {name} failed: {ex.GetType().Name}: {ex.Message}");
            return default;
        }
    }

    /// <summary>
    /// Runs <paramref name="start"/> (which starts instances and returns their ids) after a warm-up. Time runs from the
    /// first instance's CreatedTime to the last one's CompletedTime (storage timestamps, so the watcher's polling
    /// period does not matter); requests are the worker's and client's during that window.
    /// </summary>
    private static async Task<EngineRun> MeasureAsync(SettingsProfile profile, Func<EngineHost, Task<string[]>> start, bool steps = false)
    {
        await using var host = await EngineHost.StartAsync(profile, BenchOrchestrations.Register);
        await WarmUpAsync(host);
        var before = host.Requests.ByService;
        var ids = await start(host);
        var states = new List<OrchestrationState>();
        foreach (var id in ids)
        {
            states.Add(await host.WaitAsync(id));
        }

        var requests = host.Requests.ByService.Zip(before, (a, b) => a - b).ToArray();
        var seconds = (states.Max(s => s.CompletedTime) - states.Min(s => s.CreatedTime)).TotalSeconds;
        List<double> stepMs = [];
        if (steps)
        {
            var starts = (await host.HistoryAsync(ids[0]))
                .Where(e => e.EventType == EventType.OrchestratorStarted)
                .Select(e => e.Timestamp)
                .ToList();
            stepMs = [.. starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalMilliseconds).Order()];
        }

        var run = new EngineRun(seconds, requests, stepMs);
        Console.WriteLine(
            $"  {profile.Name}: {ids.Length} instance(s) in {seconds:F2} s, storage requests table/queue/blob {string.Join('/', requests)}"
                + (steps ? $", step p50 {run.Percentile(0.5):F1} ms p95 {run.Percentile(0.95):F1} ms" : "")
        );
        return run;
    }

    /// <summary>JIT, partition leases and queue creation happen here, outside the measurement.</summary>
    private static async Task WarmUpAsync(EngineHost host)
    {
        var ids = await Task.WhenAll(
            Enumerable
                .Range(0, 8)
                .Select(_ => host.ScheduleAsync(BenchOrchestrations.Chain, 1))
                .Append(host.ScheduleAsync(BenchOrchestrations.FanOut, 10))
                .Append(host.ScheduleAsync(BenchOrchestrations.Chain, 3))
        );
        foreach (var id in ids)
        {
            await host.WaitAsync(id, TimeSpan.FromMinutes(2));
        }

        await Task.Delay(300);
    }

    private static async Task<double> IdleAsync(SettingsProfile profile, TimeSpan settle, TimeSpan window)
    {
        await using var host = await EngineHost.StartAsync(profile, BenchOrchestrations.Register);
        await WarmUpAsync(host);
        await Task.Delay(settle);
        var before = host.Requests.ByService;
        await Task.Delay(window);
        var requests = host.Requests.ByService.Zip(before, (a, b) => a - b).ToArray();
        var rate = requests.Sum() / window.TotalSeconds;
        Console.WriteLine(
            $"  {profile.Name}: idle {rate:F2} storage requests/s (table/queue/blob {string.Join('/', requests)} in {window.TotalSeconds:F0} s)"
        );
        return rate;
    }

    private static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }

    private sealed record EngineRun(double Seconds, long[] Requests, IReadOnlyList<double> Steps)
    {
        public double PerItem(int items) => Requests.Sum() / (double)items;

        public double? Percentile(double p) => Steps.Count == 0 ? null : Steps[Math.Min(Steps.Count - 1, (int)(Steps.Count * p))];
    }
}
