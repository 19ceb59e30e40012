using System.Text;
using System.Text.Json.Serialization;
using Peeker.Durable.Backend;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.AzureStorage;

/// <summary>
/// The queue message body: the task message plus DTFx-style envelope fields. Bodies over 45 KiB are gzipped to
/// <c>{hub}-largemessages</c> and the message carries only <c>CompressedBlobName</c> and the routing fields.
/// </summary>
internal sealed class MessageCodec(DataConverter converter, LargePayloadStore payloads)
{
    public async Task<string> EncodeAsync(TaskMessage message, int deferrals, CancellationToken cancellationToken)
    {
        var envelope = new MessageEnvelope { ActivityId = message.MessageId, InstanceId = message.InstanceId, TaskMessage = message, Deferrals = deferrals };
        var text = converter.Serialize(envelope)!;
        if (Encoding.UTF8.GetByteCount(text) <= LargePayloadStore.QueueLimitBytes)
        {
            return text;
        }

        var blobName = $"{LargePayloadStore.BlobPrefix(message.InstanceId)}message-{message.MessageId}-{message.Event.EventType}.json.gz";
        await payloads.UploadAsync(blobName, converter.Serialize(message)!, cancellationToken);
        return converter.Serialize(envelope with { TaskMessage = null, CompressedBlobName = blobName, VisibleAt = message.VisibleAt })!;
    }

    /// <summary>The envelope only (cheap: no blob download), for routing, poison and re-arm decisions.</summary>
    public MessageEnvelope Peek(string text) => converter.Deserialize<MessageEnvelope>(text) ?? throw new InvalidDataException("Empty queue message.");

    public async Task<TaskMessage> DecodeAsync(MessageEnvelope envelope, CancellationToken cancellationToken)
    {
        if (envelope.TaskMessage is { } inline)
        {
            return inline;
        }

        if (envelope.CompressedBlobName is { Length: > 0 } blob)
        {
            return converter.Deserialize<TaskMessage>(await payloads.DownloadAsync(blob, cancellationToken))
                ?? throw new InvalidDataException($"Blob {blob} holds no message.");
        }

        throw new InvalidDataException("The queue message carries neither a task message nor a blob name.");
    }
}

/// <summary>What is stored in a queue message.</summary>
internal sealed record MessageEnvelope
{
    [JsonPropertyName("ActivityId")]
    public string? ActivityId { get; init; }

    [JsonPropertyName("InstanceId")]
    public string? InstanceId { get; init; }

    [JsonPropertyName("TaskMessage")]
    public TaskMessage? TaskMessage { get; init; }

    [JsonPropertyName("CompressedBlobName")]
    public string? CompressedBlobName { get; init; }

    /// <summary>Set with a blob body so timers still re-arm without downloading it.</summary>
    [JsonPropertyName("VisibleAt")]
    public DateTime? VisibleAt { get; init; }

    /// <summary>How often the engine deferred (re-sent) this message; deferrals do not count toward poison.</summary>
    [JsonPropertyName("Deferrals")]
    public int Deferrals { get; init; }

    [JsonIgnore]
    public DateTime? DueAt => TaskMessage?.VisibleAt ?? VisibleAt;
}
