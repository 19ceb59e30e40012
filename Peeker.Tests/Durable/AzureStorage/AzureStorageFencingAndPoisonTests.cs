using Azure.Data.Tables;
using Azure.Storage.Blobs;
using Azure.Storage.Blobs.Specialized;
using Azure.Storage.Queues;
using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable;
using Peeker.Durable.AzureStorage;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Durable.AzureStorage;

/// <summary>Fencing (a worker that lost its lease cannot write history) and poison handling.</summary>
public sealed class AzureStorageFencingAndPoisonTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Complete_LeaseStolenMidEpisode_IsRejectedAndHistoryKeepsTheNewOwnersWrite()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        await using var a = new AzureStorageOrchestrationBackend(AzureStorageTestHubs.Options(azurite.ConnectionString, hub, "worker-a"), TimeProvider.System);
        await a.CreateIfNotExistsAsync(CancellationToken.None);
        await a.StartAsync(CancellationToken.None);
        const string id = "fenced-1";
        await a.CreateInstanceAsync(Pending(id, "e1"), Start(id, "e1"), CancellationToken.None);
        var stale = await a.LockNextOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(stale);

        // A stalls (its lease loop stops, it still believes it owns everything); another worker breaks A's lease on
        // the instance's partition, takes it over and commits first.
        await a.PauseLeaseManagementAsync();
        var partition = a.PartitionOf(id);
        var leaseBlob = new BlobServiceClient(azurite.ConnectionString).GetBlobContainerClient(hub.ToLowerInvariant() + "-leases")
            .GetBlobClient($"ownership/{hub.ToLowerInvariant()}-control-{partition:00}");
        await leaseBlob.GetBlobLeaseClient().BreakAsync(TimeSpan.Zero);
        await using var b = new AzureStorageOrchestrationBackend(AzureStorageTestHubs.Options(azurite.ConnectionString, hub, "worker-b"), TimeProvider.System);
        await b.StartAsync(CancellationToken.None);
        Assert.Contains(partition, b.OwnedPartitions);
        await b.SendMessageAsync(Start(id, "e2"), CancellationToken.None);
        var fresh = await b.LockNextOrchestrationWorkItemAsync(TimeSpan.FromSeconds(10), CancellationToken.None);
        Assert.NotNull(fresh);
        await b.CompleteOrchestrationWorkItemAsync(fresh, Checkpoint(id, "e2"), CancellationToken.None);

        var error = await Assert.ThrowsAnyAsync<InvalidOperationException>(() => a.CompleteOrchestrationWorkItemAsync(stale, Checkpoint(id, "e1"), CancellationToken.None));

        await a.AbandonOrchestrationWorkItemAsync(stale, CancellationToken.None);
        Assert.IsType<SplitBrainException>(error);
        var history = await b.GetHistoryAsync(id, CancellationToken.None);
        Assert.Equal("e2", history.Single(e => e.EventType == EventType.ExecutionStarted).ExecutionId);
        var sentinel = (await new TableServiceClient(azurite.ConnectionString).GetTableClient(hub + "History").GetEntityAsync<TableEntity>(id, "sentinel")).Value;
        Assert.Equal("worker-b", sentinel.GetString("Owner"));
        Assert.True(sentinel.GetInt64("Epoch") >= 2, "the new owner's epoch is higher");
    }

    [Fact]
    public async Task StartMessageLostAfterTheInstanceRow_StartingAgainRescuesTheInstanceOnce()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        var options = AzureStorageTestHubs.Options(azurite.ConnectionString, hub);
        const string id = "lost-start-1";
        await using (var crashed = new AzureStorageOrchestrationBackend(options, TimeProvider.System))
        {
            await crashed.CreateIfNotExistsAsync(CancellationToken.None);
            await crashed.CreateInstanceAsync(Pending(id, "e1"), Start(id, "e1"), CancellationToken.None);
        }

        // The process died between the instance row and its start message: the message never reached the queue.
        for (var partition = 0; partition < options.PartitionCount; partition++)
        {
            await new QueueClient(azurite.ConnectionString, $"{hub.ToLowerInvariant()}-control-{partition:00}").ClearMessagesAsync();
        }

        var runs = 0;
        await using var host = await DurableTestHost.StartAsync(
            time => new AzureStorageOrchestrationBackend(options, time),
            r => r.AddOrchestratorFunc<string?, string>("Fenced", (_, _) =>
            {
                Interlocked.Increment(ref runs);
                return Task.FromResult("done");
            }),
            TimeProvider.System);
        await Task.Delay(TimeSpan.FromSeconds(1));
        var stuck = await host.Client.GetInstanceAsync(id);

        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync("Fenced", null, new StartOrchestrationOptions(id)));
        await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() => host.Client.ScheduleNewOrchestrationInstanceAsync("Fenced", null, new StartOrchestrationOptions(id)));
        var done = await host.WaitAsync(id);
        await Task.Delay(TimeSpan.FromSeconds(1));

        Assert.Equal(OrchestrationRuntimeStatus.Pending, stuck!.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, done.RuntimeStatus);
        Assert.Equal("e1", (await host.Client.GetOrchestrationHistoryAsync(id)).Single(e => e.EventType == EventType.ExecutionStarted).ExecutionId);
        Assert.Equal(1, runs);
    }

    [Fact]
    public async Task PoisonMessage_AlwaysFailsToLoad_MovesToPoisonTableAndFailsTheInstance()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        var options = AzureStorageTestHubs.Options(azurite.ConnectionString, hub);
        await using var host = await DurableTestHost.StartAsync(
            time => new AzureStorageOrchestrationBackend(
                new AzureStorageOptions
                {
                    ConnectionString = options.ConnectionString,
                    HubName = hub,
                    MaxQueuePollingInterval = options.MaxQueuePollingInterval,
                    ControlQueueVisibilityTimeout = options.ControlQueueVisibilityTimeout,
                    MaxDequeueCount = 2,
                },
                time,
                loggerFactory: NullLoggerFactory.Instance),
            r => r.AddOrchestratorFunc<int, string>("Waiter", (ctx, _) => ctx.WaitForExternalEvent<string>("go")),
            TimeProvider.System,
            o => o.HubName = hub);
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", 0, new StartOrchestrationOptions("poisoned-1"));
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);

        // A message whose payload blob is missing crashes every attempt to handle it.
        var backend = (AzureStorageOrchestrationBackend)host.Backend;
        var queue = new QueueServiceClient(azurite.ConnectionString).GetQueueClient($"{hub.ToLowerInvariant()}-control-{backend.PartitionOf(id):00}");
        await queue.SendMessageAsync("{\"ActivityId\":\"bad-1\",\"InstanceId\":\"poisoned-1\",\"CompressedBlobName\":\"poisoned-1/missing.json.gz\"}");
        var result = await host.WaitAsync(id, 90);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal("PoisonMessage", result.FailureDetails!.ErrorType);
        var poison = await ToListAsync(new TableServiceClient(azurite.ConnectionString).GetTableClient(hub + "Poison").QueryAsync<TableEntity>("PartitionKey eq 'poisoned-1'"));
        var row = Assert.Single(poison);
        Assert.Contains("missing.json.gz", row.GetString("Payload"), StringComparison.Ordinal);
        Assert.Contains("Dequeued 3 times", row.GetString("Reason"), StringComparison.Ordinal);
        Assert.Contains("Dequeued 3 times", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CleanShutdown_TwoWorkers_HandsPartitionsOverAndInstancesComplete()
    {
        var hub = AzureStorageTestHubs.NewHubName();
        var first = await StartWorkerAsync(hub, "worker-1");
        await using var second = await StartWorkerAsync(hub, "worker-2");
        var ids = new List<string>();
        for (var i = 0; i < 10; i++)
        {
            ids.Add(await first.Client.ScheduleNewOrchestrationInstanceAsync("Chain", 10, new StartOrchestrationOptions($"handover-{i}")));
        }

        await Task.Delay(300);
        await first.DisposeAsync();

        foreach (var id in ids)
        {
            var result = await second.WaitAsync(id, 120);
            Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
            Assert.Equal(10, result.ReadOutputAs<int>());
        }

        var backend = (AzureStorageOrchestrationBackend)second.Backend;
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (backend.OwnedPartitions.Count < 4)
        {
            await Task.Delay(200, cts.Token);
        }
    }

    private Task<DurableTestHost> StartWorkerAsync(string hub, string workerId) => DurableTestHost.StartAsync(
        time => new AzureStorageOrchestrationBackend(AzureStorageTestHubs.Options(azurite.ConnectionString, hub, workerId), time, loggerFactory: NullLoggerFactory.Instance),
        r => r
            .AddActivityFunc<int, int>("Inc", (_, n) => Task.FromResult(n + 1))
            .AddOrchestratorFunc<int, int>("Chain", async (ctx, steps) =>
            {
                var value = 0;
                for (var i = 0; i < steps; i++)
                {
                    value = await ctx.CallActivityAsync<int>("Inc", value);
                }

                return value;
            }),
        TimeProvider.System,
        o => o.HubName = hub);

    private static OrchestrationState Pending(string id, string executionId) => new()
    {
        InstanceId = id,
        Name = "Fenced",
        ExecutionId = executionId,
        RuntimeStatus = OrchestrationRuntimeStatus.Pending,
        CreatedTime = DateTime.UtcNow,
        LastUpdatedTime = DateTime.UtcNow,
    };

    private static TaskMessage Start(string id, string executionId) => new()
    {
        MessageId = Guid.NewGuid().ToString("N"),
        InstanceId = id,
        ExecutionId = executionId,
        Event = new HistoryEvent { EventType = EventType.ExecutionStarted, Name = "Fenced", ExecutionId = executionId, Timestamp = DateTime.UtcNow },
    };

    private static OrchestrationCheckpoint Checkpoint(string id, string executionId) => new()
    {
        HistoryEvents =
        [
            new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = DateTime.UtcNow },
            new HistoryEvent { EventType = EventType.ExecutionStarted, Name = "Fenced", ExecutionId = executionId, Timestamp = DateTime.UtcNow },
            new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = DateTime.UtcNow },
        ],
        ReplacesHistory = true,
        ActivityMessages = [],
        OrchestratorMessages = [],
        State = Pending(id, executionId) with { RuntimeStatus = OrchestrationRuntimeStatus.Running },
    };

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
