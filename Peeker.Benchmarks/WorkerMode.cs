using System.Globalization;
using Azure.Data.Tables;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Peeker.Durable.AzureStorage;
using Peeker.Durable.Hosting;

namespace Peeker.Benchmarks;

/// <summary>
/// A worker host process on the Azure Storage backend with the test orchestrations, for the crash-safety and
/// scale-out tests: <c>dotnet Peeker.Benchmarks.dll --worker --connection "..." --hub Name [--visibility 10]</c>.
/// Activities record every execution in <c>{hub}Executions</c> so duplicates can be counted.
/// </summary>
public static class WorkerMode
{
    public static async Task<int> RunAsync(string[] args)
    {
        var connection = Arg(args, "--connection") ?? throw new ArgumentException("--connection is required");
        var hub = Arg(args, "--hub") ?? throw new ArgumentException("--hub is required");
        var visibility = TimeSpan.FromSeconds(int.Parse(Arg(args, "--visibility") ?? "10", CultureInfo.InvariantCulture));
        var executions = new TableClient(connection, hub + "Executions");
        await executions.CreateIfNotExistsAsync();

        var builder = Host.CreateApplicationBuilder();
        builder.Logging.ClearProviders();
        builder.Logging.AddSimpleConsole(o => o.SingleLine = true).SetMinimumLevel(LogLevel.Warning);
        builder.Logging.AddFilter("Peeker.Durable.AzureStorage", LogLevel.Information);
        builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = TimeSpan.FromSeconds(30));
        builder.Services.Configure<DurableTaskOptions>(o =>
        {
            o.HubName = hub;
            o.StorageProvider.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(500);
            o.StorageProvider.ControlQueueVisibilityTimeout = visibility;
            o.StorageProvider.WorkItemQueueVisibilityTimeout = visibility;
        });
        builder.Services.AddPeekerDurable(
            r => TestOrchestrations.Register(r, executions),
            AzureStorageServiceCollectionExtensions.Backend(connection));
        using var host = builder.Build();
        Console.WriteLine($"worker {Environment.ProcessId} started on hub {hub}");
        await host.RunAsync();
        return 0;
    }

    internal static string? Arg(string[] args, string name)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : null;
    }
}

/// <summary>Orchestrations and activities shared by the worker processes and the benchmarks.</summary>
public static class TestOrchestrations
{
    public static void Register(DurableTaskRegistry registry, TableClient? executions = null) => registry
        .AddActivityFunc<int, int>("Noop", (_, n) => Task.FromResult(n))
        .AddActivityFunc<int, long>("RecordExecution", async (ctx, n) =>
        {
            if (executions is not null)
            {
                var entity = new TableEntity(ctx.InstanceId, $"{ctx.IdempotencyKey.Replace(':', '_')}_{Guid.NewGuid():N}") { ["N"] = n };
                await executions.AddEntityAsync(entity);
            }

            return (long)n * n;
        })
        .AddOrchestratorFunc<int, long>("FanOutRecord", async (ctx, count) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(1, count).Select(n => ctx.CallActivityAsync<long>("RecordExecution", n)));
            return results.Sum();
        })
        .AddOrchestratorFunc<int, int>("FanOutNoop", async (ctx, count) =>
        {
            var results = await Task.WhenAll(Enumerable.Range(1, count).Select(n => ctx.CallActivityAsync<int>("Noop", n)));
            return results.Length;
        })
        .AddOrchestratorFunc<int, int>("ChainNoop", async (ctx, steps) =>
        {
            var value = 0;
            for (var i = 0; i < steps; i++)
            {
                value = await ctx.CallActivityAsync<int>("Noop", value + 1);
            }

            return value;
        });
}
