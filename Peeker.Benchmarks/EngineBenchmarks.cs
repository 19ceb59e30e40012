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
            var (seconds, requests) = await ScenarioAsync(async client =>
            {
                var id = await client.ScheduleNewOrchestrationInstanceAsync("FanOutNoop", count);
                await WaitAsync(client, id);
            });
            var perSecond = count / seconds;
            var perActivity = requests / (double)count;
            var ceiling = requestRate16 / perActivity;
            Add($"fan-out/fan-in {count} no-op activities", $"{seconds:F2} s, {perSecond:F0} activities/s", $"{perActivity:F1} req/activity",
                $"{perSecond / ceiling:P0} of ceiling ({ceiling:F0}/s); DTFx {(count == 100 ? 123 : 69)}/s => x{perSecond / (count == 100 ? 123 : 69):F1}");
        }

        {
            List<double> steps = [];
            var (seconds, requests) = await ScenarioAsync(async client =>
            {
                var id = await client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 50);
                await WaitAsync(client, id);
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
            {
                var ids = await Task.WhenAll(Enumerable.Range(0, instances).Select(_ => client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 5)));
                foreach (var id in ids)
                {
                    await WaitAsync(client, id);
                }
            });
            Add($"{instances} instances x 5 chained activities", $"{seconds:F2} s, {instances / seconds:F1} instances/s", $"{requests / (instances * 5.0):F1} req/activity",
                $"DTFx 16.3/s => x{instances / seconds / 16.3:F1}");
        }

        Print();
        return 0;
    }

    private static async Task<(double Seconds, long Requests)> ScenarioAsync(Func<DurableTaskClient, Task> run)
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
        var worker = provider.GetRequiredService<DurableTaskWorker>();
        await backend.CreateIfNotExistsAsync(CancellationToken.None);
        await worker.StartAsync(CancellationToken.None);
        var client = provider.GetRequiredService<DurableTaskClient>();
        await WaitAsync(client, await client.ScheduleNewOrchestrationInstanceAsync("FanOutNoop", 10)); // warm-up (JIT), not measured
        await WaitAsync(client, await client.ScheduleNewOrchestrationInstanceAsync("ChainNoop", 3));
        await Task.Delay(300);
        var before = backend.RequestCounter.Count;
        var clock = Stopwatch.StartNew();
        await run(client);
        var seconds = clock.Elapsed.TotalSeconds;
        var requests = backend.RequestCounter.Count - before;
        await worker.StopAsync(CancellationToken.None);
        return (seconds, requests);
    }

    private static async Task WaitAsync(DurableTaskClient client, string id)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(10));
        var result = await client.WaitForInstanceCompletionAsync(id, false, cts.Token);
        if (result.RuntimeStatus != OrchestrationRuntimeStatus.Completed)
        {
            throw new InvalidOperationException($"{id} ended {result.RuntimeStatus}");
        }
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
