using Peeker.Durable.Hosting;

namespace Peeker.Durable.AzureStorage;

/// <summary>
/// Settings of the Azure Storage backend. <see cref="FromDurableTaskOptions"/> maps the host.json
/// <c>extensions.durableTask</c> settings (hub name, <c>storageProvider.*</c>).
/// </summary>
public sealed class AzureStorageOptions
{
    /// <summary>Storage connection string (Azurite: <c>UseDevelopmentStorage=true</c> or an explicit one).</summary>
    public required string ConnectionString { get; init; }

    /// <summary>Task hub name: prefixes every table, queue and container.</summary>
    public required string HubName { get; init; }

    /// <summary>Number of control queues; recorded in <c>taskhub.json</c>, a mismatch refuses to start.</summary>
    public int PartitionCount { get; init; } = 4;

    /// <summary>Messages fetched per control-queue receive (at most 32).</summary>
    public int ControlQueueBatchSize { get; init; } = 32;

    /// <summary>Visibility timeout of received control-queue messages (how long a crashed worker's messages stay hidden).</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Visibility timeout of received activity messages (renewed while the activity runs).</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; init; } = TimeSpan.FromMinutes(5);

    /// <summary>Idle polling backs off up to this interval.</summary>
    public TimeSpan MaxQueuePollingInterval { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>A message dequeued more often than this goes to the <c>{hub}Poison</c> table.</summary>
    public int MaxDequeueCount { get; init; } = 5;

    /// <summary>Partition lease length (Azure allows 15-60 s).</summary>
    public TimeSpan LeaseInterval { get; init; } = TimeSpan.FromSeconds(15);

    /// <summary>How often leases are renewed, balanced and acquired.</summary>
    public TimeSpan LeaseRenewInterval { get; init; } = TimeSpan.FromSeconds(5);

    /// <summary>Longest single queue visibility delay; longer timers are re-armed when they surface.</summary>
    public TimeSpan MaximumVisibilityDelay { get; init; } = TimeSpan.FromDays(6);

    /// <summary>This worker's name in lease metadata (defaults to machine, process id and a random suffix).</summary>
    public string? WorkerId { get; init; }

    /// <summary>Builds the options from the engine's host.json settings.</summary>
    public static AzureStorageOptions FromDurableTaskOptions(string connectionString, DurableTaskOptions options) => new()
    {
        ConnectionString = connectionString,
        HubName = options.HubName,
        PartitionCount = options.StorageProvider.PartitionCount,
        ControlQueueBatchSize = options.StorageProvider.ControlQueueBatchSize,
        ControlQueueVisibilityTimeout = options.StorageProvider.ControlQueueVisibilityTimeout,
        WorkItemQueueVisibilityTimeout = options.StorageProvider.WorkItemQueueVisibilityTimeout,
        MaxQueuePollingInterval = options.StorageProvider.MaxQueuePollingInterval,
        MaxDequeueCount = options.StorageProvider.MaxDequeueCount,
    };
}
