using System.ComponentModel.DataAnnotations;

namespace Peeker.Durable.Hosting;

/// <summary>
/// The engine's settings, bound from host.json <c>extensions.durableTask</c> with the Durable Functions names.
/// </summary>
public sealed class DurableTaskOptions
{
    /// <summary>Configuration path of the section (host.json is loaded under <c>AzureFunctionsJobHost</c>).</summary>
    public const string SectionName = "AzureFunctionsJobHost:extensions:durableTask";

    /// <summary>Task hub name: letters and digits, starting with a letter (it prefixes tables, queues and blobs).</summary>
    [Required]
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{2,44}$", ErrorMessage = "extensions.durableTask.hubName must be 3-45 letters or digits, starting with a letter.")]
    public string HubName { get; set; } = "PeekerHub";

    /// <summary>Activities one worker runs at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentActivityFunctions { get; set; } = 20;

    /// <summary>Orchestration episodes one worker runs at once.</summary>
    [Range(1, 1000)]
    public int MaxConcurrentOrchestratorFunctions { get; set; } = 20;

    /// <summary>Keep replayed orchestrations in memory between episodes so an episode does not replay the whole history.</summary>
    public bool ExtendedSessionsEnabled { get; set; } = true;

    /// <summary>How long an idle cached orchestration stays in memory.</summary>
    [Range(1, 3600)]
    public int ExtendedSessionIdleTimeoutInSeconds { get; set; } = 30;

    /// <summary>Timers longer than this are split into several (queue visibility is capped at 7 days).</summary>
    public TimeSpan MaximumTimerInterval { get; set; } = TimeSpan.FromDays(3);

    /// <summary>Azure Storage provider settings.</summary>
    public StorageProviderOptions StorageProvider { get; set; } = new();
}

/// <summary>host.json <c>extensions.durableTask.storageProvider</c>.</summary>
public sealed class StorageProviderOptions
{
    /// <summary>Number of control queues (1-16); recorded with the hub, a mismatch refuses to start.</summary>
    [Range(1, 16)]
    public int PartitionCount { get; set; } = 4;

    /// <summary>Messages fetched per control-queue poll (Azure's maximum is 32).</summary>
    [Range(1, 32)]
    public int ControlQueueBatchSize { get; set; } = 32;

    /// <summary>Visibility timeout of a dequeued control-queue message.</summary>
    public TimeSpan ControlQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Visibility timeout of a dequeued activity message (renewed while the activity runs).</summary>
    public TimeSpan WorkItemQueueVisibilityTimeout { get; set; } = TimeSpan.FromMinutes(5);

    /// <summary>Idle polling backs off up to this interval.</summary>
    public TimeSpan MaxQueuePollingInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A message dequeued more often than this is moved to the poison table.</summary>
    [Range(1, 1000)]
    public int MaxDequeueCount { get; set; } = 5;
}
