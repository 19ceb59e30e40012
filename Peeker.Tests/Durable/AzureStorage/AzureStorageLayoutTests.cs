using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable;
using Peeker.Durable.AzureStorage;
using Peeker.Durable.Hosting;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Durable.AzureStorage;

/// <summary>
/// The hub's storage read with the plain Azure clients, as Durable Functions Monitor and other DTFx tooling read it
/// (durable-engine.md sections 1.2, 1.3 and 7).
/// </summary>
public sealed class AzureStorageLayoutTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task FanOutRun_TablesQueuesAndBlobs_MatchTheDtfxLayout()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        await using (var host = await StartAsync(hub))
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 20, new StartOrchestrationOptions("layout/run#1"));
            var done = await host.WaitAsync(id, 120);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        }

        var tables = new TableServiceClient(azurite.ConnectionString);
        var key = "layout^0run^21";

        // Instances: one row, RowKey "", the columns DfMon and the DF client read.
        var instance = (await tables.GetTableClient(hub + "Instances").GetEntityAsync<TableEntity>(key, string.Empty)).Value;
        Assert.Equal("Completed", instance.GetString("RuntimeStatus"));
        Assert.Equal("FanOut", instance.GetString("Name"));
        Assert.Equal("20", instance.GetString("Input"));
        Assert.Equal(Enumerable.Range(1, 20).Sum(n => n * n).ToString(CultureInfo.InvariantCulture), instance.GetString("Output"));
        Assert.Equal("null", instance.GetString("CustomStatus"));
        Assert.NotNull(instance.GetDateTimeOffset("CreatedTime"));
        Assert.NotNull(instance.GetDateTimeOffset("LastUpdatedTime"));
        Assert.NotNull(instance.GetDateTimeOffset("CompletedTime"));
        var executionId = instance.GetString("ExecutionId");
        Assert.False(string.IsNullOrEmpty(executionId));

        // History: DfMon's query A (PartitionKey + ExecutionId, RowKey order) and query B (TaskScheduledId ge 0).
        var history = tables.GetTableClient(hub + "History");
        var rows = await ToListAsync(history.QueryAsync<TableEntity>($"PartitionKey eq '{key}' and ExecutionId eq '{executionId}'"));
        var events = rows.Where(r => r.RowKey != "sentinel").ToList();
        Assert.All(events, r => Assert.Matches("^[0-9A-F]{16}$", r.RowKey));
        Assert.Equal(Enumerable.Range(0, events.Count).Select(i => i.ToString("X16", CultureInfo.InvariantCulture)), events.Select(r => r.RowKey));
        Assert.All(events, r => Assert.NotNull(r.GetDateTimeOffset("_Timestamp")));
        Assert.All(events, r => Assert.NotNull(r.GetInt32("EventId")));
        Assert.Equal("OrchestratorStarted", events[0].GetString("EventType"));
        Assert.Equal("ExecutionStarted", events[1].GetString("EventType"));
        Assert.Equal("FanOut", events[1].GetString("Name"));
        var scheduled = events.Where(r => r.GetString("EventType") == "TaskScheduled").ToList();
        Assert.Equal(20, scheduled.Count);
        Assert.All(scheduled, r => Assert.Equal("Square", r.GetString("Name")));
        Assert.Equal(Enumerable.Range(0, 20), scheduled.Select(r => r.GetInt32("EventId")!.Value).Order());
        var completions = await ToListAsync(history.QueryAsync<TableEntity>($"PartitionKey eq '{key}' and ExecutionId eq '{executionId}' and TaskScheduledId ge 0"));
        Assert.Equal(20, completions.Count);
        Assert.All(completions, r => Assert.Equal("TaskCompleted", r.GetString("EventType")));
        Assert.Equal(Enumerable.Range(0, 20), completions.Select(r => r.GetInt32("TaskScheduledId")!.Value).Order());
        Assert.All(completions, r => Assert.False(string.IsNullOrEmpty(r.GetString("Result"))));
        var completed = events.Single(r => r.GetString("EventType") == "ExecutionCompleted");
        Assert.Equal("Completed", completed.GetString("OrchestrationStatus"));
        var sentinel = rows.Single(r => r.RowKey == "sentinel");
        Assert.True(sentinel.GetBoolean("IsCheckpointComplete"));
        Assert.Equal(events.Count, sentinel.GetInt64("HistoryEventCount"));
        Assert.True(sentinel.GetInt64("Epoch") >= 1);

        // Hub discovery (both tables), queues and containers with the DTFx names.
        var tableNames = await ToListAsync(tables.QueryAsync($"TableName ge '{hub}' and TableName lt '{hub}~'"));
        Assert.Contains(hub + "History", tableNames.Select(t => t.Name));
        Assert.Contains(hub + "Instances", tableNames.Select(t => t.Name));
        var queues = new QueueServiceClient(azurite.ConnectionString);
        var queueNames = new List<string>();
        await foreach (var q in queues.GetQueuesAsync(prefix: hub.ToLowerInvariant()))
        {
            queueNames.Add(q.Name);
        }

        var lower = hub.ToLowerInvariant();
        Assert.Equal([$"{lower}-control-00", $"{lower}-control-01", $"{lower}-control-02", $"{lower}-control-03", $"{lower}-workitems"], queueNames.Order(StringComparer.Ordinal));
        var leases = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(lower + "-leases");
        var info = (await leases.GetBlobClient("taskhub.json").DownloadContentAsync()).Value.Content.ToString();
        Assert.Contains("\"PartitionCount\":4", info, StringComparison.Ordinal);
        Assert.True(await new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(lower + "-largemessages").ExistsAsync());
    }

    [Fact]
    public async Task LargePayload_StoredAsGzipBlob_ReferencedByBlobNameColumns()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        var big = new string('z', 200_000);
        await using (var host = await StartAsync(hub))
        {
            var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Echo", big, new StartOrchestrationOptions("big-1"));
            var done = await host.WaitAsync(id, 120);
            Assert.Equal(big + "!", done.ReadOutputAs<string>());
        }

        var tables = new TableServiceClient(azurite.ConnectionString);
        var instance = (await tables.GetTableClient(hub + "Instances").GetEntityAsync<TableEntity>("big-1", string.Empty)).Value;
        Assert.Equal(string.Empty, instance.GetString("Output"));
        Assert.StartsWith("big-1/", instance.GetString("OutputBlobName"), StringComparison.Ordinal);
        var rows = await ToListAsync(tables.GetTableClient(hub + "History").QueryAsync<TableEntity>("PartitionKey eq 'big-1'"));
        var started = rows.Single(r => r.GetString("EventType") == "ExecutionStarted");
        Assert.Matches("^big-1/history-[0-9A-F]{16}-ExecutionStarted-[0-9a-f]{8}-Input\\.json\\.gz$", started.GetString("InputBlobName"));
        var blob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(hub.ToLowerInvariant() + "-largemessages").GetBlobClient(started.GetString("InputBlobName"));
        var properties = await blob.GetPropertiesAsync();
        Assert.True(properties.Value.ContentLength < 10_000, "gzip-compressed");
    }

    [Fact]
    public async Task Start_PartitionCountDiffersFromTheHub_RefusesToStart()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        await using (var first = new AzureStorageOrchestrationBackend(AzureStorageTestHubs.Options(azurite.ConnectionString, hub), TimeProvider.System))
        {
            await first.CreateIfNotExistsAsync(CancellationToken.None);
        }

        var options = AzureStorageTestHubs.Options(azurite.ConnectionString, hub);
        await using var second = new AzureStorageOrchestrationBackend(
            new AzureStorageOptions { ConnectionString = options.ConnectionString, HubName = hub, PartitionCount = 6 }, TimeProvider.System);
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => second.CreateIfNotExistsAsync(CancellationToken.None));
        Assert.Contains("4 partitions", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Timer_LongerThanTheQueueVisibilityLimit_IsReArmedAndFiresOnTime()
    {
        // MaximumVisibilityDelay stands in for the queue's 7-day cap: a 4 s timer must surface and be re-armed.
        var hub = AzureStorageTestHubs.NewHubName();
        var options = AzureStorageTestHubs.Options(azurite.ConnectionString, hub);
        await using var host = await DurableTestHost.StartAsync(
            time => new AzureStorageOrchestrationBackend(
                new AzureStorageOptions
                {
                    ConnectionString = options.ConnectionString,
                    HubName = hub,
                    MaxQueuePollingInterval = options.MaxQueuePollingInterval,
                    MaximumVisibilityDelay = TimeSpan.FromSeconds(1),
                },
                time,
                loggerFactory: NullLoggerFactory.Instance),
            r => r.AddOrchestratorFunc<int, double>("Sleeper", async (ctx, _) =>
            {
                var before = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(TimeSpan.FromSeconds(4), CancellationToken.None);
                return (ctx.CurrentUtcDateTime - before).TotalSeconds;
            }),
            TimeProvider.System,
            o => o.HubName = hub);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", 0);
        var result = await host.WaitAsync(id, 60);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<double>() >= 4, $"slept {result.ReadOutputAs<double>()} s");
    }

    private Task<DurableTestHost> StartAsync(string hub) => DurableTestHost.StartAsync(
        time => new AzureStorageOrchestrationBackend(AzureStorageTestHubs.Options(azurite.ConnectionString, hub), time, loggerFactory: NullLoggerFactory.Instance),
        r => r
            .AddActivityFunc<int, int>("Square", (_, n) => Task.FromResult(n * n))
            .AddActivityFunc<string, string>("Exclaim", (_, s) => Task.FromResult(s + "!"))
            .AddOrchestratorFunc<string, string>("Echo", (ctx, s) => ctx.CallActivityAsync<string>("Exclaim", s))
            .AddOrchestratorFunc<int, int>("FanOut", async (ctx, count) =>
            {
                var results = await Task.WhenAll(Enumerable.Range(1, count).Select(n => ctx.CallActivityAsync<int>("Square", n)));
                return results.Sum();
            }),
        TimeProvider.System,
        options => options.HubName = hub);

    private static async Task<List<T>> ToListAsync<T>(IAsyncEnumerable<T> source)
    {
        var list = new List<T>();
        await foreach (var item in source)
        {
            list.Add(item);
        }

        return list;
    }
}
