using Azure;
using Azure.Data.Tables;
using Peeker.Durable.Backend;
using Peeker.Durable.History;

namespace Peeker.Durable.AzureStorage;

public sealed partial class AzureStorageOrchestrationBackend
{
    /// <summary>Loads the current execution's history and the sentinel that guards it.</summary>
    private async Task<LoadedHistory> LoadHistoryAsync(string instanceId, CancellationToken cancellationToken)
    {
        var key = StorageNames.EscapeKey(instanceId);
        var rows = new List<TableEntity>();
        TableEntity? sentinel = null;
        await foreach (var entity in _history.QueryAsync<TableEntity>($"PartitionKey eq {StorageNames.Quote(key)}", cancellationToken: cancellationToken))
        {
            if (entity.RowKey == StorageNames.SentinelRowKey)
            {
                sentinel = entity;
            }
            else
            {
                rows.Add(entity);
            }
        }

        if (sentinel is null)
        {
            return new LoadedHistory([], null, null, 0, 0);
        }

        var executionId = sentinel.GetString("ExecutionId");
        var count = sentinel.GetInt64("HistoryEventCount") ?? rows.Count;
        var events = new List<HistoryEvent>((int)count);
        foreach (var row in rows.OrderBy(r => r.RowKey, StringComparer.Ordinal))
        {
            if (events.Count >= count)
            {
                break;
            }

            if (row.GetString("ExecutionId") == executionId)
            {
                events.Add(await _historyEntities.FromEntityAsync(row, cancellationToken));
            }
        }

        return new LoadedHistory(events, executionId, sentinel.ETag, rows.Count, sentinel.GetInt64("Epoch") ?? 0);
    }

    /// <summary>
    /// Appends (or replaces) history in single-partition batches of at most 99 events plus the sentinel, each guarded
    /// by the sentinel's ETag. Returns the new ETag. Throws <see cref="SplitBrainException"/> when someone else wrote.
    /// </summary>
    private async Task<ETag> WriteHistoryAsync(
        Session session, OrchestrationCheckpoint checkpoint, long epoch, string executionId, CancellationToken cancellationToken)
    {
        var start = checkpoint.ReplacesHistory ? 0 : session.History!.Count;
        var events = checkpoint.HistoryEvents;
        var total = start + events.Count;
        var etag = session.ETag;
        var key = StorageNames.EscapeKey(session.InstanceId);
        var offset = 0;
        do
        {
            var chunk = events.Skip(offset).Take(99).ToList();
            var actions = new List<TableTransactionAction>(chunk.Count + 1);
            for (var i = 0; i < chunk.Count; i++)
            {
                var entity = await _historyEntities.ToEntityAsync(session.InstanceId, executionId, start + offset + i, chunk[i], _time.GetUtcNow().UtcDateTime, cancellationToken);
                actions.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, entity));
            }

            offset += chunk.Count;
            var last = offset >= events.Count;
            var sentinel = new TableEntity(key, StorageNames.SentinelRowKey)
            {
                ["ExecutionId"] = executionId,
                ["IsCheckpointComplete"] = last,
                ["HistoryEventCount"] = (long)(last ? total : start + offset),
                ["Epoch"] = epoch,
                ["Owner"] = _partitions.WorkerId,
            };
            HistoryEntities.SetDate(sentinel, "CheckpointCompletedTimestamp", _time.GetUtcNow().UtcDateTime);
            actions.Add(etag is { } known
                ? new TableTransactionAction(TableTransactionActionType.UpdateMerge, sentinel, known)
                : new TableTransactionAction(TableTransactionActionType.Add, sentinel));
            try
            {
                var response = await _history.SubmitTransactionAsync(actions, cancellationToken);
                etag = response.Value[^1].Headers.ETag ?? throw new InvalidOperationException("The sentinel write returned no ETag.");
            }
            catch (TableTransactionFailedException ex) when (ex.Status is 409 or 412 or 404)
            {
                LogSplitBrain(session.InstanceId, ex.Status, ex.ErrorCode);
                throw new SplitBrainException(session.InstanceId, ex);
            }
        }
        while (offset < events.Count);

        return etag.Value;
    }

    /// <summary>After a replace, removes rows past the new end (best effort: loading ignores them anyway).</summary>
    private async Task DeleteStaleRowsAsync(string instanceId, long from, long storedRows)
    {
        if (storedRows <= from)
        {
            return;
        }

        try
        {
            var key = StorageNames.EscapeKey(instanceId);
            var actions = new List<TableTransactionAction>();
            for (var sequence = from; sequence < storedRows; sequence++)
            {
                actions.Add(new TableTransactionAction(TableTransactionActionType.Delete, new TableEntity(key, StorageNames.SequenceKey(sequence)), ETag.All));
            }

            foreach (var chunk in actions.Chunk(100))
            {
                await _history.SubmitTransactionAsync(chunk, CancellationToken.None);
            }
        }
        catch (RequestFailedException ex)
        {
            LogCleanupFailed(instanceId, ex);
        }
    }

    private sealed record LoadedHistory(List<HistoryEvent> Events, string? ExecutionId, ETag? ETag, long StoredRows, long Epoch);
}

/// <summary>Another worker wrote the instance's history since it was loaded: the checkpoint is rejected.</summary>
public sealed class SplitBrainException(string instanceId, Exception? inner = null)
    : InvalidOperationException($"History of instance '{instanceId}' was written by another worker; the checkpoint is rejected.", inner)
{
    public string InstanceId { get; } = instanceId;
}

/// <summary>The worker no longer owns the instance's partition (lease lost or epoch superseded): the checkpoint is rejected.</summary>
public sealed class PartitionLeaseLostException(string instanceId, int partition, long epoch)
    : InvalidOperationException($"Partition {partition} (epoch {epoch}) of instance '{instanceId}' is no longer owned by this worker; the checkpoint is rejected.")
{
    public string InstanceId { get; } = instanceId;
}
