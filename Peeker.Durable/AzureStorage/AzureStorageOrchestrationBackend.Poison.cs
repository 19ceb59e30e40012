using Azure.Data.Tables;
using Azure.Storage.Queues;
using Azure.Storage.Queues.Models;
using Microsoft.Extensions.Logging;
using Peeker.Durable.Backend;
using Peeker.Durable.History;

namespace Peeker.Durable.AzureStorage;

/// <summary>Poison messages: moved to <c>{hub}Poison</c> with payload and reason; the instance is failed with that reason.</summary>
public sealed partial class AzureStorageOrchestrationBackend
{
    private async Task PoisonControlMessageAsync(QueueClient queue, QueueMessage message, MessageEnvelope? envelope, string reason)
    {
        var instanceId = envelope?.InstanceId ?? envelope?.TaskMessage?.InstanceId;
        await WritePoisonRowAsync(queue.Name, message, instanceId, reason);
        if (instanceId is not null)
        {
            // A marker the owner of the instance turns into a failed execution (see FailPoisonedAsync).
            await SendOrchestratorMessageAsync(
                new TaskMessage
                {
                    MessageId = Guid.NewGuid().ToString("N"),
                    InstanceId = instanceId,
                    Event = new HistoryEvent { EventType = EventType.GenericEvent, Name = PoisonMarker, Reason = reason, Timestamp = _time.GetUtcNow().UtcDateTime },
                },
                0,
                CancellationToken.None);
        }

        await TryAsync(() => queue.DeleteMessageAsync(message.MessageId, message.PopReceipt, CancellationToken.None));
    }

    private async Task WritePoisonRowAsync(string queueName, QueueMessage message, string? instanceId, string reason)
    {
        var payload = message.MessageText;
        var entity = new TableEntity(StorageNames.EscapeKey(instanceId ?? "(unknown)"), message.MessageId)
        {
            ["InstanceId"] = instanceId ?? string.Empty,
            ["Queue"] = queueName,
            ["Reason"] = reason,
            ["DequeueCount"] = message.DequeueCount,
            ["Payload"] = LargePayloadStore.TooLargeForProperty(payload) ? string.Empty : payload,
        };
        HistoryEntities.SetDate(entity, "PoisonedAt", _time.GetUtcNow().UtcDateTime);
        if (LargePayloadStore.TooLargeForProperty(payload))
        {
            var blobName = $"{LargePayloadStore.BlobPrefix(instanceId ?? "(unknown)")}poison-{message.MessageId}.json.gz";
            await _payloads.UploadAsync(blobName, payload, CancellationToken.None);
            entity["PayloadBlobName"] = blobName;
        }

        await _poison.UpsertEntityAsync(entity, TableUpdateMode.Replace, CancellationToken.None);
        LogPoison(instanceId, queueName, reason);
    }

    private const string PoisonMarker = "Peeker.PoisonMessage";

    private static bool IsPoisonMarker(TaskMessage message) => message.Event is { EventType: EventType.GenericEvent, Name: PoisonMarker };

    /// <summary>Fails the instance with the poison reason in one checkpoint, without running the orchestrator.</summary>
    private async Task FailPoisonedAsync(OrchestrationWorkItem workItem, CancellationToken cancellationToken)
    {
        var marker = workItem.NewMessages.First(IsPoisonMarker);
        var now = _time.GetUtcNow().UtcDateTime;
        var start = workItem.History.FirstOrDefault(e => e.EventType == EventType.ExecutionStarted);
        var terminal = workItem.History.Any(e => e.EventType is EventType.ExecutionCompleted or EventType.ExecutionTerminated);
        var failure = new TaskFailureDetails("PoisonMessage", "Poison message: " + marker.Event.Reason, IsNonRetriable: true);
        OrchestrationCheckpoint checkpoint;
        if (start is null || terminal)
        {
            checkpoint = new OrchestrationCheckpoint { HistoryEvents = [], ActivityMessages = [], OrchestratorMessages = [] };
        }
        else
        {
            var toParent = start.ParentInstance is { } parent
                ? new[]
                {
                    new TaskMessage
                    {
                        MessageId = Guid.NewGuid().ToString("N"),
                        InstanceId = parent.InstanceId,
                        ExecutionId = parent.ExecutionId,
                        Event = new HistoryEvent { EventType = EventType.SubOrchestrationInstanceFailed, Timestamp = now, TaskScheduledId = parent.TaskScheduledId, FailureDetails = failure },
                    },
                }
                : [];
            checkpoint = new OrchestrationCheckpoint
            {
                HistoryEvents =
                [
                    new HistoryEvent { EventType = EventType.OrchestratorStarted, Timestamp = now },
                    new HistoryEvent { EventType = EventType.ExecutionCompleted, Timestamp = now, OrchestrationStatus = OrchestrationRuntimeStatus.Failed, FailureDetails = failure },
                    new HistoryEvent { EventType = EventType.OrchestratorCompleted, Timestamp = now },
                ],
                ActivityMessages = [],
                OrchestratorMessages = toParent,
                State = new OrchestrationState
                {
                    InstanceId = workItem.InstanceId,
                    Name = start.Name ?? string.Empty,
                    Version = start.Version,
                    ExecutionId = start.ExecutionId ?? string.Empty,
                    RuntimeStatus = OrchestrationRuntimeStatus.Failed,
                    FailureDetails = failure,
                    CustomStatus = workItem.State?.CustomStatus,
                    CreatedTime = workItem.State?.CreatedTime ?? start.Timestamp,
                    LastUpdatedTime = now,
                    CompletedTime = now,
                    ParentInstance = start.ParentInstance,
                    Generation = start.Generation ?? 0,
                    Tags = start.Tags,
                },
            };
        }

        LogPoisonFailed(workItem.InstanceId, marker.Event.Reason);
        await CompleteOrchestrationWorkItemAsync(workItem, checkpoint, cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Error, Message = "Instance {InstanceId} failed because of a poison message: {Reason}")]
    private partial void LogPoisonFailed(string instanceId, string? reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Poison message for instance {InstanceId} on {Queue} moved to the poison table: {Reason}")]
    private partial void LogPoison(string? instanceId, string queue, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Split brain on instance {InstanceId}: the sentinel write failed with {Status} {Code}; the checkpoint is rejected.")]
    private partial void LogSplitBrain(string instanceId, int status, string? code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not load instance {InstanceId}; its messages go back to the queue.")]
    private partial void LogLoadFailed(string instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Fetching control queue {Partition} failed; retrying in 1 s.")]
    private partial void LogFetchFailed(int partition, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "A message for instance {InstanceId} could not be decoded; it goes back to the queue.")]
    private partial void LogDecodeFailed(string? instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Removing stale history rows of {InstanceId} failed (harmless: loading ignores them).")]
    private partial void LogCleanupFailed(string instanceId, Exception exception);

    [LoggerMessage(Level = LogLevel.Debug, Message = "A storage call failed with {Status} {Code}; ignored.")]
    private partial void LogStorageCallFailed(int status, string? code);
}
