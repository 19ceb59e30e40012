using System.Text.Json;
using Azure;
using Azure.Data.Tables;

namespace Peeker.Sandbox.State;

/// <summary>
/// The simulators' state in one Azure table (<see cref="TableName"/>): partition = sandbox partner, row =
/// <c>{kind}|{key}</c>, the value as JSON. Restart-safe, and readable by <see cref="SandboxInspector"/>.
/// </summary>
public sealed class SandboxStore
{
    public const string TableName = "SandboxState";

    private const string AddNonce = "AddNonce";
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private readonly TableClient _table;
    private readonly Lazy<Task> _created;

    public SandboxStore(TableServiceClient service)
    {
        _table = service.GetTableClient(TableName);
        _created = new Lazy<Task>(() => _table.CreateIfNotExistsAsync());
    }

    public async Task<T?> GetAsync<T>(string partner, string kind, string key, CancellationToken cancellationToken = default)
        where T : class
    {
        await _created.Value;
        var found = await _table.GetEntityIfExistsAsync<TableEntity>(Pk(partner), Rk(kind, key), cancellationToken: cancellationToken);
        return found.HasValue ? Read<T>(found.Value!) : null;
    }

    /// <summary>Adds the row; false when it already exists (the atomic "exactly once" primitive).</summary>
    /// <remarks>
    /// Each add carries its own nonce. When storage did the insert but its answer was lost, the SDK's retry of the same
    /// insert meets a 409; the row then carries our nonce and the add counts as done. Without it a simulated provider
    /// would answer "already exists" (or "domain not available") to the very call that created the thing, which a
    /// real provider, whose own writes are not lost, never does.
    /// </remarks>
    public async Task<bool> TryAddAsync<T>(string partner, string kind, string key, T value, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var entity = Entity(partner, kind, key, value);
        var nonce = Guid.NewGuid().ToString("N");
        entity[AddNonce] = nonce;
        try
        {
            await _table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException ex) when (ex.Status == 409)
        {
            var existing = await _table.GetEntityIfExistsAsync<TableEntity>(
                entity.PartitionKey,
                entity.RowKey,
                [AddNonce],
                cancellationToken
            );
            return existing.HasValue && existing.Value!.GetString(AddNonce) == nonce;
        }
    }

    public async Task UpsertAsync<T>(string partner, string kind, string key, T value, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        await _table.UpsertEntityAsync(Entity(partner, kind, key, value), TableUpdateMode.Replace, cancellationToken);
    }

    public async Task<bool> DeleteAsync(string partner, string kind, string key, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var response = await _table.DeleteEntityAsync(Pk(partner), Rk(kind, key), ETag.All, cancellationToken);
        return response.Status != 404;
    }

    /// <summary>Every value of one kind for a partner, in key order.</summary>
    public async Task<IReadOnlyList<T>> ListAsync<T>(string partner, string kind, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var result = new List<T>();
        var filter = TableClient.CreateQueryFilter($"PartitionKey eq {Pk(partner)} and RowKey ge {kind + "|"} and RowKey lt {kind + "}"}");
        await foreach (var entity in _table.QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            result.Add(Read<T>(entity)!);
        }

        return result;
    }

    /// <summary>Every row of a partner, grouped by kind (raw JSON), for the inspector.</summary>
    public async Task<IReadOnlyDictionary<string, List<JsonElement>>> DumpAsync(
        string partner,
        CancellationToken cancellationToken = default
    )
    {
        await _created.Value;
        var result = new SortedDictionary<string, List<JsonElement>>(StringComparer.Ordinal);
        await foreach (
            var entity in _table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {Pk(partner)}"),
                cancellationToken: cancellationToken
            )
        )
        {
            var kind = entity.GetString("Kind") ?? "?";
            if (!result.TryGetValue(kind, out var list))
            {
                result[kind] = list = [];
            }

            list.Add(JsonDocument.Parse(entity.GetString("Json") ?? "null").RootElement.Clone());
        }

        return result;
    }

    /// <summary>Increments and returns a per-partner counter (fault injection counts calls with it).</summary>
    public async Task<int> IncrementAsync(string partner, string counter, CancellationToken cancellationToken = default)
    {
        await _created.Value;
        var rk = Rk("counter", counter);
        // Each write carries this call's nonce: when a write reached storage but its answer was lost, the SDK's retry
        // meets 409/412, and the row read again tells whether it holds our write (then its count is ours) or a rival's.
        var nonce = Guid.NewGuid().ToString("N");
        while (true)
        {
            var found = await _table.GetEntityIfExistsAsync<TableEntity>(Pk(partner), rk, cancellationToken: cancellationToken);
            if (found.HasValue && found.Value!.GetString(AddNonce) == nonce)
            {
                return found.Value.GetInt32("Count") ?? 0;
            }

            try
            {
                if (!found.HasValue)
                {
                    await _table.AddEntityAsync(
                        new TableEntity(Pk(partner), rk)
                        {
                            ["Kind"] = "counter",
                            ["Count"] = 1,
                            [AddNonce] = nonce,
                        },
                        cancellationToken
                    );
                    return 1;
                }

                var entity = found.Value!;
                var next = (entity.GetInt32("Count") ?? 0) + 1;
                entity["Count"] = next;
                entity[AddNonce] = nonce;
                await _table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
                return next;
            }
            catch (RequestFailedException ex) when (ex.Status is 409 or 412)
            {
                // Lost a race with a concurrent call, or our own write landed and its answer was lost: read again.
            }
        }
    }

    private static TableEntity Entity<T>(string partner, string kind, string key, T value) =>
        new(Pk(partner), Rk(kind, key)) { ["Kind"] = kind, ["Json"] = JsonSerializer.Serialize(value, Json) };

    private static T? Read<T>(TableEntity entity) => JsonSerializer.Deserialize<T>(entity.GetString("Json") ?? "null", Json);

    // Table keys may not contain / \ # ? or control characters: percent-encode.
    private static string Pk(string partner) => Uri.EscapeDataString(partner);

    private static string Rk(string kind, string key) => kind + "|" + Uri.EscapeDataString(key.ToLowerInvariant());
}
