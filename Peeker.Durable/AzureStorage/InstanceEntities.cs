using Azure.Data.Tables;
using Peeker.Durable.Backend;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>Maps <see cref="OrchestrationState"/> to the <c>{hub}Instances</c> row (DTFx column names) and back.</summary>
internal sealed class InstanceEntities(DataConverter converter, LargePayloadStore payloads, string hubName)
{
    private static readonly string[] PayloadColumns = ["Input", "Output", "CustomStatus"];

    /// <summary>The full row; large Input/Output/CustomStatus go to blobs (column emptied, <c>{Column}BlobName</c> set).</summary>
    public async Task<TableEntity> ToEntityAsync(OrchestrationState state, bool includeInput, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(StorageNames.EscapeKey(state.InstanceId), string.Empty)
        {
            ["Name"] = state.Name,
            ["ExecutionId"] = state.ExecutionId,
            ["RuntimeStatus"] = state.RuntimeStatus.ToString(),
            ["Generation"] = state.Generation,
            ["TaskHubName"] = hubName,
            ["Version"] = state.Version ?? string.Empty,
            ["FailureDetails"] = converter.Serialize(state.FailureDetails) ?? string.Empty,
            ["ParentInstance"] = converter.Serialize(state.ParentInstance) ?? string.Empty,
            ["Tags"] = converter.Serialize(state.Tags) ?? string.Empty,
        };
        HistoryEntities.SetDate(entity, "CreatedTime", state.CreatedTime);
        HistoryEntities.SetDate(entity, "LastUpdatedTime", state.LastUpdatedTime);
        HistoryEntities.SetDate(entity, "CompletedTime", state.CompletedTime);
        HistoryEntities.SetDate(entity, "ScheduledStartTime", state.ScheduledStartTime);
        var values = new[] { state.Input, state.Output, state.CustomStatus ?? "null" };
        for (var i = 0; i < PayloadColumns.Length; i++)
        {
            var column = PayloadColumns[i];
            if (column == "Input" && !includeInput)
            {
                continue;
            }

            if (LargePayloadStore.TooLargeForProperty(values[i]))
            {
                var blobName = $"{LargePayloadStore.BlobPrefix(state.InstanceId)}instance-{state.ExecutionId}-{column}-{Guid.NewGuid().ToString("N")[..8]}.json.gz";
                await payloads.UploadAsync(blobName, values[i]!, cancellationToken);
                entity[column] = string.Empty;
                entity[column + "BlobName"] = blobName;
            }
            else
            {
                entity[column] = values[i] ?? string.Empty;
                entity[column + "BlobName"] = string.Empty;
            }
        }

        return entity;
    }

    public async Task<OrchestrationState> FromEntityAsync(TableEntity entity, bool fetchPayloads, CancellationToken cancellationToken)
    {
        async Task<string?> Payload(string column)
        {
            if (!fetchPayloads && column != "CustomStatus")
            {
                return null;
            }

            if (entity.GetString(column + "BlobName") is { Length: > 0 } blob)
            {
                return await payloads.DownloadAsync(blob, cancellationToken);
            }

            return entity.GetString(column) is { Length: > 0 } text ? text : null;
        }

        var custom = await Payload("CustomStatus");
        return new OrchestrationState
        {
            InstanceId = StorageNames.UnescapeKey(entity.PartitionKey),
            Name = entity.GetString("Name") ?? string.Empty,
            Version = Empty(entity.GetString("Version")),
            ExecutionId = entity.GetString("ExecutionId") ?? string.Empty,
            RuntimeStatus = Enum.Parse<OrchestrationRuntimeStatus>(entity.GetString("RuntimeStatus") ?? nameof(OrchestrationRuntimeStatus.Pending)),
            Input = await Payload("Input"),
            Output = await Payload("Output"),
            CustomStatus = custom == "null" ? null : custom,
            FailureDetails = converter.Deserialize<TaskFailureDetails>(Empty(entity.GetString("FailureDetails"))),
            ParentInstance = converter.Deserialize<ParentInstance>(Empty(entity.GetString("ParentInstance"))),
            Tags = converter.Deserialize<Dictionary<string, string>>(Empty(entity.GetString("Tags"))),
            CreatedTime = HistoryEntities.Utc(entity.GetDateTimeOffset("CreatedTime")) ?? default,
            LastUpdatedTime = HistoryEntities.Utc(entity.GetDateTimeOffset("LastUpdatedTime")) ?? default,
            CompletedTime = HistoryEntities.Utc(entity.GetDateTimeOffset("CompletedTime")),
            ScheduledStartTime = HistoryEntities.Utc(entity.GetDateTimeOffset("ScheduledStartTime")),
            Generation = entity.GetInt32("Generation") ?? 0,
        };
    }

    private static string? Empty(string? value) => string.IsNullOrEmpty(value) ? null : value;
}
