using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Peeker.Activities.Common;

/// <summary>Small helpers over <see cref="TableClient"/> that keep store code short.</summary>
public static class TableExtensions
{
    /// <summary>Point read; null when the row does not exist.</summary>
    public static async Task<TableEntity?> FindAsync(
        this TableClient table,
        string partitionKey,
        string rowKey,
        CancellationToken cancellationToken
    )
    {
        var response = await table.GetEntityIfExistsAsync<TableEntity>(partitionKey, rowKey, cancellationToken: cancellationToken);
        return response.HasValue ? response.Value : null;
    }

    /// <summary>
    /// Read-modify-write of one row with optimistic concurrency: reads it as <typeparamref name="T"/>, applies
    /// <paramref name="change"/> and replaces it under the read ETag, re-reading and re-applying when another writer
    /// came first. Null when the row does not exist.
    /// </summary>
    public static async Task<T?> UpdateWithRetryAsync<T>(
        this TableClient table,
        string partitionKey,
        string rowKey,
        Func<TableEntity, T> read,
        Func<T, T> change,
        Func<T, TableEntity> write,
        CancellationToken cancellationToken
    )
        where T : class
    {
        while (true)
        {
            if (await table.FindAsync(partitionKey, rowKey, cancellationToken) is not { } row)
            {
                return null;
            }

            var next = change(read(row));
            try
            {
                await table.UpdateEntityAsync(write(next), row.ETag, TableUpdateMode.Replace, cancellationToken);
                return next;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed underneath us: re-read and re-apply.
            }
        }
    }

    /// <summary>Insert-if-absent: false when a row with the same keys already exists.</summary>
    public static async Task<bool> TryAddAsync(this TableClient table, TableEntity entity, CancellationToken cancellationToken)
    {
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            return false;
        }
    }

    /// <summary>Reads rows in RowKey order after <paramref name="afterRowKey"/>; returns up to <paramref name="take"/> rows and whether more exist.</summary>
    public static async Task<(List<TableEntity> Rows, bool More)> PageAsync(
        this TableClient table,
        string filter,
        string? afterRowKey,
        int take,
        CancellationToken cancellationToken
    )
    {
        if (afterRowKey is not null)
        {
            filter = $"({filter}) and RowKey gt '{Escape(afterRowKey)}'";
        }

        var rows = new List<TableEntity>(take + 1);
        await foreach (
            var row in table.QueryAsync<TableEntity>(filter, maxPerPage: Math.Min(take + 1, 1000), cancellationToken: cancellationToken)
        )
        {
            rows.Add(row);
            if (rows.Count > take)
            {
                rows.RemoveAt(take);
                return (rows, true);
            }
        }

        return (rows, false);
    }

    /// <summary>Escapes a value for an OData string literal.</summary>
    public static string Escape(string value) => value.Replace("'", "''", StringComparison.Ordinal);

    /// <summary>Reads a JSON column.</summary>
    public static T? Json<T>(this TableEntity entity, string column) =>
        entity.GetString(column) is { } text ? JsonSerializer.Deserialize<T>(text, StoreJson.Options) : default;

    /// <summary>Writes a value as a JSON column.</summary>
    public static string ToJson<T>(T value) => JsonSerializer.Serialize(value, StoreJson.Options);

    /// <summary>A required string column.</summary>
    public static string Str(this TableEntity entity, string column) => entity.GetString(column) ?? "";

    /// <summary>A required time column.</summary>
    public static DateTimeOffset Time(this TableEntity entity, string column) => entity.GetDateTimeOffset(column) ?? default;
}

/// <summary>JSON used for columns holding lists and small objects.</summary>
public static class StoreJson
{
    /// <summary>Snake-case, compact.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
