using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Imports;

/// <summary>
/// Imports in <c>Peeker{Env}DomainImports</c>: PartitionKey = partner id, RowKey = <c>imp_…</c>; plus, per domain name,
/// a row <c>name|{domain}</c> naming the newest import of that name (for <c>GET /domains/import?domains=</c>; only for
/// names that are valid table keys: the others are failed rows of their import and never found by name).
/// </summary>
public sealed class DomainImportStore(PeekerTables tables)
{
    private const string NamePrefix = "name|";

    /// <summary>Stores a new import and points each of its names at it.</summary>
    public async Task CreateAsync(PeekerEnvironment env, string partnerId, DomainImport import, CancellationToken cancellationToken)
    {
        await Table(env).AddEntityAsync(ToEntity(partnerId, import), cancellationToken);
        foreach (var row in import.Domains.Where(r => TableKeys.IsSafe(NamePrefix + r.Domain)))
        {
            await Table(env)
                .UpsertEntityAsync(
                    new TableEntity(partnerId, NamePrefix + row.Domain) { ["ImportId"] = import.Id },
                    TableUpdateMode.Replace,
                    cancellationToken
                );
        }
    }

    /// <summary>The import, or null when this partner has none with that id.</summary>
    public async Task<DomainImport?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "imp") && await Table(env).FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>The newest import of each name that has one (names never imported are left out).</summary>
    public async Task<IReadOnlyList<(string ImportId, ImportDomainRow Row)>> LookupAsync(
        PeekerEnvironment env,
        string partnerId,
        IReadOnlyList<string> names,
        CancellationToken cancellationToken
    )
    {
        var found = new List<(string, ImportDomainRow)>();
        var imports = new Dictionary<string, DomainImport?>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (
                !TableKeys.IsSafe(NamePrefix + name)
                || await Table(env).FindAsync(partnerId, NamePrefix + name, cancellationToken) is not { } pointer
            )
            {
                continue;
            }

            var id = pointer.Str("ImportId");
            if (!imports.TryGetValue(id, out var import))
            {
                imports[id] = import = await GetAsync(env, partnerId, id, cancellationToken);
            }

            if (import?.Domains.FirstOrDefault(r => r.Domain == name) is { } row)
            {
                found.Add((id, row));
            }
        }

        return found;
    }

    /// <summary>Applies <paramref name="change"/> with optimistic concurrency (re-read and re-applied on a conflict).</summary>
    public Task<DomainImport?> UpdateAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        Func<DomainImport, DomainImport> change,
        CancellationToken cancellationToken
    ) => Table(env).UpdateWithRetryAsync(partnerId, id, Read, change, next => ToEntity(partnerId, next), cancellationToken);

    private TableClient Table(PeekerEnvironment env) => tables.For(env, "DomainImports");

    // A table string property holds at most 32K characters; 500 rows do not fit in one, so the JSON is split.
    private const int ChunkChars = 30_000;

    private static TableEntity ToEntity(string partnerId, DomainImport import)
    {
        var entity = new TableEntity(partnerId, import.Id)
        {
            ["Status"] = import.Status,
            ["CreatedAt"] = import.CreatedAt,
            ["CompletedAt"] = import.CompletedAt,
        };
        var json = TableExtensions.ToJson(import.Domains);
        for (var i = 0; i * ChunkChars < json.Length; i++)
        {
            entity["Domains" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)] = json.Substring(
                i * ChunkChars,
                Math.Min(ChunkChars, json.Length - (i * ChunkChars))
            );
        }

        return entity;
    }

    private static DomainImport Read(TableEntity e)
    {
        var json = new System.Text.StringBuilder();
        for (var i = 0; e.GetString("Domains" + i.ToString(System.Globalization.CultureInfo.InvariantCulture)) is { } chunk; i++)
        {
            json.Append(chunk);
        }

        var rows =
            System.Text.Json.JsonSerializer.Deserialize<List<ImportDomainRow>>(json.Length == 0 ? "[]" : json.ToString(), StoreJson.Options)
            ?? [];
        return new DomainImport(
            e.RowKey,
            e.Str("Status"),
            DomainImport.GroupsOf(rows),
            rows,
            e.Time("CreatedAt"),
            e.GetDateTimeOffset("CompletedAt")
        );
    }
}
