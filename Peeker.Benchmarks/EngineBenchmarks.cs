using System.Diagnostics;
using Azure.Data.Tables;
using Azure.Storage.Queues;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Peeker.Durable;
using Peeker.Durable.AzureStorage;
using Peeker.Durable.Backend;
using Peeker.Durable.Client;
using Peeker.Durable.History;
using Peeker.Durable.Hosting;

namespace Peeker.Benchmarks;

/// <summary>
/// Engine benchmarks on the Azure Storage backend, each scenario on a fresh in-memory Azurite (its queue store degrades
/// with long traffic), plus the raw Azurite ceiling measured in the same run. Prints one table.
/// </summary>
public static class EngineBenchmarks
{
    private static readonly List<string[]> Rows = [];

    public static async Task<int> RunAsync(string[] args)
    {
        var quick = args.Contains("--quick");
        Console.WriteLine($"Peeker engine benchmarks on Azurite (fresh in-memory Azurite per scenario), {Environment.ProcessorCount} cores, {DateTimeOffset.UtcNow:u}");
        var (upsertsSerial, upserts16, cyclesSerial, cycles16) = await RawCeilingAsync(quick);
        var requestRate16 = cycles16 * 3;
        Add("raw: table upserts (serial / 16-way)", $"{upsertsSerial:F0}/s / {upserts16:F0}/s", "", "");
        Add("raw: queue send+receive+delete (serial / 16-way)", $"{cyclesSerial:F0}/s / {cycles16:F0}/s", $"{requestRate16:F0} queue req/s", "");

        foreach (var count in quick ? new[] { 100 } : [100, 1000])
        {
            var (seconds, requests) = await ScenarioAsync(
                async client => [await client.ScheduleNewOrchestrationInstanceAsync("FanOutNoop", count)],
                args.Contains("--trace") ? Trace : null);
            var perSecond = count / seconds;
            var perActivity = requests / (double)count;
            var ceiling = requestRate16 / perActivity;
            Add($"fan-out/fan-in {count} no-op activities", $"{seconds:F2} s, {perSecond:F0} activities/s", $"{perActivity:F1} req/activity",
                $"{perSecond / ceiling:P0} of ceiling ({ceiling:F0}/s); DTFx {(count == 100 ? 123 : 69)}/s => x{perSecond / (count == 100 ? 123 : 69):F1}");
        }

        {
            List<double> steps = [];
            var (seconds, requests) = await ScenarioAsync(
                async client => [await client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 50)],
                async (client, id) =>
                {
                    var history = await client.GetOrchestrationHistoryAsync(id);
                    var starts = history.Where(e => e.EventType == EventType.OrchestratorStarted).Select(e => e.Timestamp).ToList();
                    steps = [.. starts.Zip(starts.Skip(1), (a, b) => (b - a).TotalMilliseconds).Order()];
                });
            var p50 = steps[steps.Count / 2];
            var p95 = steps[(int)(steps.Count * 0.95)];
            Add("chain of 50 sequential activities", $"{50 / seconds:F0} activities/s; step p50 {p50:F1} ms, p95 {p95:F1} ms", $"{requests / 50.0:F1} req/activity",
                $"DTFx 53/s, p50 17.3 ms => x{50 / seconds / 53:F1}");
        }

        {
            var instances = quick ? 50 : 200;
            var (seconds, requests) = await ScenarioAsync(async client =>
                await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 5))));
            Add($"{instances} instances x 5 chained activities", $"{seconds:F2} s, {instances / seconds:F1} instances/s", $"{requests / (instances * 5.0):F1} req/activity",
                $"DTFx 16.3/s => x{instances / seconds / 16.3:F1}");
        }

        {
            double idle = 0;
            await ScenarioAsync(
                async client => [await client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 1)],
                async (_, _) => idle = await IdleRateAsync());
            Add("idle hub (one worker, 4 partitions)", $"{idle:F1} storage requests/s", "", "DTFx 6.25/s");
        }

        Print();
        return 0;
    }

    /// <summary>
    /// Runs <paramref name="run"/> (which starts instances and returns their ids) against a fresh Azurite. Time is
    /// measured from the Instances rows (first CreatedTime to last CompletedTime), requests from the worker's backend;
    /// completion is watched through a second backend so the watcher's polling is not counted.
    /// </summary>
    private static async Task<(double Seconds, long Requests)> ScenarioAsync(Func<DurableTaskClient, Task<string[]>> run, Func<DurableTaskClient, string, Task>? after = null)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var services = new ServiceCollection();
        services.AddLogging(l => l.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning));
        services.Configure<DurableTaskOptions>(o =>
        {
            o.HubName = "BenchHub";
            o.MaxConcurrentActivityFunctions = 32;
            o.MaxConcurrentOrchestratorFunctions = 32;
            o.StorageProvider.MaxQueuePollingInterval = TimeSpan.FromSeconds(1);
        });
        services.AddPeekerDurable(r => TestOrchestrations.Register(r), AzureStorageServiceCollectionExtensions.Backend(azurite.ConnectionString));
        await using var provider = services.BuildServiceProvider();
        var backend = (AzureStorageOrchestrationBackend)provider.GetRequiredService<IOrchestrationBackend>();
        _current = backend;
        var worker = provider.GetRequiredService<DurableTaskWorker>();
        await backend.CreateIfNotExistsAsync(CancellationToken.None);
        await worker.StartAsync(CancellationToken.None);
        var client = provider.GetRequiredService<DurableTaskClient>();
        await WaitAsync(client, await client.ScheduleNewOrchestrationInstanceAsync("FanOutNoop", 10)); // warm-up (JIT), not measured
        await WaitAsync(client, await client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 3));
        await Task.Delay(300);
        await using var watcher = new AzureStorageOrchestrationBackend(
            new AzureStorageOptions { ConnectionString = azurite.ConnectionString, HubName = "BenchHub" }, TimeProvider.System);
        var before = backend.RequestCounter.Count;
        var ids = await run(client);
        var states = new List<OrchestrationState>();
        foreach (var id in ids)
        {
            states.Add(await WaitAsync(watcher, id));
        }

        var requests = backend.RequestCounter.Count - before;
        var seconds = (states.Max(s => s.CompletedTime!.Value) - states.Min(s => s.CreatedTime)).TotalSeconds;
        if (after is not null)
        {
            await after(client, ids[0]);
        }

        await worker.StopAsync(CancellationToken.None);
        return (seconds, requests);
    }

    private static async Task<OrchestrationState> WaitAsync(AzureStorageOrchestrationBackend watcher, string id)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < TimeSpan.FromMinutes(10))
        {
            var state = await watcher.GetStateAsync(id, false, CancellationToken.None);
            if (state is { RuntimeStatus: OrchestrationRuntimeStatus.Completed })
            {
                return state;
            }

            if (state is not null && state.RuntimeStatus.IsTerminal())
            {
                throw new InvalidOperationException($"{id} ended {state.RuntimeStatus}");
            }

            await Task.Delay(100);
        }

        throw new TimeoutException(id);
    }

    private static async Task WaitAsync(DurableTaskClient client, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        await client.WaitForInstanceCompletionAsync(id, false, cts.Token);
    }

    private static AzureStorageOrchestrationBackend? _current;

    private static async Task<double> IdleRateAsync()
    {
        await Task.Delay(TimeSpan.FromSeconds(3));
        var before = _current!.RequestCounter.Count;
        await Task.Delay(TimeSpan.FromSeconds(10));
        return (_current.RequestCounter.Count - before) / 10.0;
    }

    private static async Task Trace(DurableTaskClient client, string id)
    {
        var state = await client.GetInstanceAsync(id);
        var history = await client.GetOrchestrationHistoryAsync(id);
        var t0 = state!.CreatedAt.UtcDateTime;
        string Ms(DateTime t) => $"{(t - t0).TotalMilliseconds:F0}";
        var episodes = history.Where(e => e.EventType == EventType.OrchestratorStarted).Select(e => Ms(e.Timestamp));
        var done = history.Where(e => e.EventType == EventType.TaskCompleted).Select(e => e.Timestamp).Order().ToList();
        Console.WriteLine($"  trace {id}: episodes at {string.Join(",", episodes)} ms; activities completed {Ms(done[0])}..{Ms(done[^1])} ms (p50 {Ms(done[done.Count / 2])})");
    }

    private static async Task<(double, double, double, double)> RawCeilingAsync(bool quick)
    {
        await using var azurite = await AzuriteProcess.StartAsync();
        var table = new TableClient(azurite.ConnectionString, "Ceiling");
        await table.CreateIfNotExistsAsync();
        var queue = new QueueClient(azurite.ConnectionString, "ceiling");
        await queue.CreateIfNotExistsAsync();
        var n = quick ? 200 : 600;
        var upsertsSerial = await RateAsync(n, 1, i => table.UpsertEntityAsync(new TableEntity("p", $"s{i}") { ["V"] = i }));
        var upserts16 = await RateAsync(n * 2, 16, i => table.UpsertEntityAsync(new TableEntity("p", $"p{i}") { ["V"] = i }));
        async Task Cycle(int i)
        {
            await queue.SendMessageAsync($"m{i}");
            var received = (await queue.ReceiveMessagesAsync(1)).Value;
            foreach (var m in received)
            {
                await queue.DeleteMessageAsync(m.MessageId, m.PopReceipt);
            }
        }

        var cyclesSerial = await RateAsync(n / 2, 1, Cycle);
        var cycles16 = await RateAsync(n, 16, Cycle);
        return (upsertsSerial, upserts16, cyclesSerial, cycles16);
    }

    private static async Task<double> RateAsync(int count, int parallel, Func<int, Task> op)
    {
        var next = -1;
        var clock = Stopwatch.StartNew();
        await Task.WhenAll(Enumerable.Range(0, parallel).Select(async _ =>
        {
            int i;
            while ((i = Interlocked.Increment(ref next)) < count)
            {
                await op(i);
            }
        }));
        return count / clock.Elapsed.TotalSeconds;
    }

    private static void Add(params string[] row)
    {
        Rows.Add(row);
        Console.WriteLine("  measured: " + string.Join(" | ", row));
    }

    private static void Print()
    {
        string[] header = ["scenario", "result", "storage requests", "vs ceiling / DTFx"];
        var widths = Enumerable.Range(0, 4).Select(c => Rows.Append(header).Max(r => r[c].Length)).ToArray();
        string Line(string[] r) => "| " + string.Join(" | ", r.Select((v, c) => v.PadRight(widths[c]))) + " |";
        Console.WriteLine();
        Console.WriteLine(Line(header));
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in Rows)
        {
            Console.WriteLine(Line(row));
        }
    }
}
