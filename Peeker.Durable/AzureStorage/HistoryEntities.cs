using System.Globalization;
using Azure.Data.Tables;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>Flattens history events into DTFx-named columns and back.</summary>
internal sealed class HistoryEntities(DataConverter converter, LargePayloadStore payloads)
{
    private static readonly DateTime MinTableDate = new(1601, 1, 2, 0, 0, 0, DateTimeKind.Utc);

    /// <summary>Builds the row of one event; oversized columns are uploaded to blobs first.</summary>
    public async Task<TableEntity> ToEntityAsync(string instanceId, string executionId, long sequence, HistoryEvent e, DateTime now, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(StorageNames.EscapeKey(instanceId), StorageNames.SequenceKey(sequence))
        {
            ["EventType"] = e.EventType.ToString(),
            ["EventId"] = e.EventId,
            ["IsPlayed"] = e.IsPlayed,
            ["ExecutionId"] = executionId,
        };
        SetDate(entity, "_Timestamp", e.Timestamp >= MinTableDate ? e.Timestamp : now);
        SetDate(entity, "FireAt", e.FireAt);
        SetDate(entity, "ScheduledStartTime", e.ScheduledStartTime);
        Set(entity, "TaskScheduledId", e.TaskScheduledId);
        Set(entity, "TimerId", e.TimerId);
        Set(entity, "Generation", e.Generation);
        Set(entity, "InstanceId", e.InstanceId);
        Set(entity, "OrchestrationStatus", e.OrchestrationStatus?.ToString());
        Set(entity, "Version", e.Version);
        var columns = new (string Name, string? Value)[]
        {
            ("Name", e.Name),
            ("Input", e.Input),
            ("Result", e.Result),
            ("Reason", e.Reason),
            ("FailureDetails", converter.Serialize(e.FailureDetails)),
            ("Details", e.FailureDetails?.ToString()),
            ("ParentInstance", converter.Serialize(e.ParentInstance)),
            ("Tags", converter.Serialize(e.Tags)),
        };
        foreach (var (name, value) in columns)
        {
            if (LargePayloadStore.TooLargeForProperty(value))
            {
                var blobName = $"{LargePayloadStore.BlobPrefix(instanceId)}history-{StorageNames.SequenceKey(sequence)}-{e.EventType}-{Guid.NewGuid().ToString("N")[..8]}-{name}.json.gz";
                await payloads.UploadAsync(blobName, value!, cancellationToken);
                entity[name] = string.Empty;
                entity[name + "BlobName"] = blobName;
            }
            else
            {
                Set(entity, name, value);
            }
        }

        return entity;
    }

    /// <summary>Reads an event back, downloading blob-backed columns.</summary>
    public async Task<HistoryEvent> FromEntityAsync(TableEntity entity, CancellationToken cancellationToken)
    {
        async Task<string?> Text(string name)
        {
            if (entity.GetString(name + "BlobName") is { Length: > 0 } blob)
            {
                return await payloads.DownloadAsync(blob, cancellationToken);
            }

            return entity.GetString(name);
        }

        var status = entity.GetString("OrchestrationStatus");
        return new HistoryEvent
        {
            EventType = Enum.Parse<EventType>(entity.GetString("EventType")!),
            EventId = entity.GetInt32("EventId") ?? -1,
            IsPlayed = entity.GetBoolean("IsPlayed") ?? false,
            Timestamp = Utc(entity.GetDateTimeOffset("_Timestamp")) ?? default,
            FireAt = Utc(entity.GetDateTimeOffset("FireAt")),
            ScheduledStartTime = Utc(entity.GetDateTimeOffset("ScheduledStartTime")),
            TaskScheduledId = entity.GetInt32("TaskScheduledId"),
            TimerId = entity.GetInt32("TimerId"),
            Generation = entity.GetInt32("Generation"),
            InstanceId = entity.GetString("InstanceId"),
            ExecutionId = entity.GetString("EventType") == nameof(EventType.ExecutionStarted) ? entity.GetString("ExecutionId") : null,
            OrchestrationStatus = status is null ? null : Enum.Parse<OrchestrationRuntimeStatus>(status),
            Version = entity.GetString("Version"),
            Name = await Text("Name"),
            Input = await Text("Input"),
            Result = await Text("Result"),
            Reason = await Text("Reason"),
            FailureDetails = converter.Deserialize<TaskFailureDetails>(await Text("FailureDetails")),
            ParentInstance = converter.Deserialize<ParentInstance>(await Text("ParentInstance")),
            Tags = converter.Deserialize<Dictionary<string, string>>(await Text("Tags")),
        };
    }

    public static DateTime? Utc(DateTimeOffset? value) => value?.UtcDateTime;

    public static void SetDate(TableEntity entity, string name, DateTime? value)
    {
        if (value is { } v && v >= MinTableDate)
        {
            entity[name] = DateTime.SpecifyKind(v, DateTimeKind.Utc);
        }
    }

    private static void Set(TableEntity entity, string name, object? value)
    {
        if (value is not null)
        {
            entity[name] = value;
        }
    }

    public static string Format(long value) => value.ToString(CultureInfo.InvariantCulture);
}
