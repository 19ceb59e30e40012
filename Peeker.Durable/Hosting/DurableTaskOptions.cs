using System.ComponentModel.DataAnnotations;

namespace Peeker.Durable.Hosting;

/// <summary>
/// host.json <c>extensions.durableTask</c>, with Durable Functions' setting names. Where we differ from Durable
/// Functions' defaults the property says so and why; the benchmarks compare both sets.
/// </summary>
public sealed class DurableTaskOptions : IValidatableObject
{
    /// <summary>Configuration section: host.json is loaded under <c>AzureFunctionsJobHost</c>.</summary>
    public const string SectionName = "AzureFunctionsJobHost:extensions:durableTask";

    /// <summary>The task hub: names the hub's queues, tables and lease container.</summary>
    [Required]
    [RegularExpression(
        "^[A-Za-z][A-Za-z0-9]{2,44}$",
        ErrorMessage = "extensions.durableTask.hubName must be 3-45 letters or digits, starting with a letter."
    )]
    public string HubName { get; set; } = "PeekerHub";

    /// <summary>Activities one host runs at once (Durable Functions: 10 × cores).</summary>
    [Range(1, 1000, ErrorMessage = "extensions.durableTask.maxConcurrentActivityFunctions must be 1-1000.")]
    public int MaxConcurrentActivityFunctions { get; set; } = 20;

    /// <summary>Orchestration episodes one host runs at once (Durable Functions: 10 × cores).</summary>
    [Range(1, 1000, ErrorMessage = "extensions.durableTask.maxConcurrentOrchestratorFunctions must be 1-1000.")]
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 20;

    /// <summary>Keep an orchestration in memory between episodes (saves a history read per episode).</summary>
    public bool ExtendedSessionsEnabled { get; set; } = true;

    /// <summary>How long an idle extended session stays in memory.</summary>
    [Range(1, 3600, ErrorMessage = "extensions.durableTask.extendedSessionIdleTimeoutInSeconds must be 1-3600.")]
    public int ExtendedSessionIdleTimeoutInSeconds { get; set; } = 30;

    /// <summary>
    /// Longest single durable timer: a longer <c>CreateTimer</c> is split into timers of at most this length (the
    /// SDK's <c>MaximumTimerInterval</c>), so a 31-day timer never sits on a queue past its 7-day message limit.
    /// </summary>
    public TimeSpan MaximumTimerInterval { get; set; } = TimeSpan.FromDays(3);

    /// <summary>The Azure Storage provider's settings.</summary>
    public StorageProviderOptions StorageProvider { get; set; } = new();

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        var storage = StorageProvider;
        if (MaximumTimerInterval <= TimeSpan.Zero || MaximumTimerInterval > TimeSpan.FromDays(6))
        {
            yield return new ValidationResult("extensions.durableTask.maximumTimerInterval must be more than zero and at most 6 days.");
        }

        foreach (
            var (name, value, min) in new[]
            {
                ("controlQueueVisibilityTimeout", storage.ControlQueueVisibilityTimeout, TimeSpan.FromSeconds(10)),
                ("workItemQueueVisibilityTimeout", storage.WorkItemQueueVisibilityTimeout, TimeSpan.FromSeconds(10)),
                ("maxQueuePollingInterval", storage.MaxQueuePollingInterval, TimeSpan.FromMilliseconds(100)),
                ("leaseInterval", storage.LeaseInterval, TimeSpan.FromSeconds(15)),
                ("leaseRenewInterval", storage.LeaseRenewInterval, TimeSpan.FromSeconds(1)),
                ("leaseAcquireInterval", storage.LeaseAcquireInterval, TimeSpan.FromSeconds(1)),
                ("partitionTableOperationTimeout", storage.PartitionTableOperationTimeout, TimeSpan.FromSeconds(1)),
            }
        )
        {
            if (value < min || value > TimeSpan.FromDays(1))
            {
                yield return new ValidationResult(
                    $"extensions.durableTask.storageProvider.{name} must be between {min} and 1.00:00:00, not {value}."
                );
            }
        }

        if (storage.LeaseRenewInterval >= storage.LeaseInterval)
        {
            yield return new ValidationResult(
                "extensions.durableTask.storageProvider.leaseRenewInterval must be shorter than leaseInterval."
            );
        }
    }
}

/// <summary>host.json <c>extensions.durableTask.storageProvider</c> (DurableTask.AzureStorage settings).</summary>
public sealed class StorageProviderOptions
{
    /// <summary>Control-queue partitions (1-16); fixed for the life of a hub.</summary>
    [Range(1, 16, ErrorMessage = "extensions.durableTask.storageProvider.partitionCount must be 1-16.")]
    public int PartitionCount { get; set; } = 4;

    /// <summary>Messages fetched from a control queue at once (max 32).</summary>
    [Range(1, 32, ErrorMessage = "extensions.durableTask.storageProvider.controlQueueBatchSize must be 1-32.")]
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>Control messages buffered in memory per partition.</summary>
    [Range(1, 1000, ErrorMessage = "extensions.durableTask.storageProvider.controlQueueBufferThreshold must be 1-1000.")]
    public int ControlQueueBufferThreshold { get; set; } = 128;

    /// <summary>
    /// How long a dequeued control message stays invisible: a dead host's messages come back after it. DTFx renews it
    /// while its episode runs (TaskOrchestrationDispatcher renews 30 s before expiry); messages waiting in the
    /// prefetch buffer are not renewed and are read again (deduplicated) if they wait longer. host.json: 45 s.
    /// </summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>
    /// How long a dequeued activity message stays invisible: a dead host's activities run again after it. A running
    /// activity is not redelivered: DTFx's TaskActivityDispatcher renews the message 30 s before it would reappear
    /// (checked every 5 s, at most 30 s apart), so above 30 s a live host keeps 25 s of margin. host.json: 45 s.
    /// </summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Longest back-off between polls of an empty queue (latency vs idle storage requests).</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// How long a partition lease lasts: a dead host's partitions move after it (with table partition management a
    /// freshly claimed lease lasts 1 minute before its first renewal, whatever this says).
    /// </summary>
    public TimeSpan LeaseInterval { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a host renews its partition leases (blob leases; table partition management renews on the acquire loop).</summary>
    public TimeSpan LeaseRenewInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>How often a host looks for partitions to take (and, with table partition management, renews its own).</summary>
    public TimeSpan LeaseAcquireInterval { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How long one read-and-write of the partition table may take (table partition management). DTFx's default, 2 s,
    /// times out on a slow or throttled account: the host then neither renews nor takes leases that round, and under
    /// sustained load its partitions lapse and move, each move a pause for every orchestration on them. host.json: 10 s.
    /// </summary>
    public TimeSpan PartitionTableOperationTimeout { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>Partition ownership in a table instead of blob leases (Durable Functions v3's default).</summary>
    public bool UseTablePartitionManagement { get; set; } = true;

    /// <summary>
    /// This host's name as a partition owner. DTFx defaults to the machine name, which every process on one machine
    /// shares: two hosts there would each believe they own the other's partitions and both listen on them. Empty means
    /// <c>{machine name}-{process id}-{random}</c>, unique per host (a restarted host is a new owner; its old leases expire).
    /// </summary>
    public string? WorkerId { get; set; }
}
