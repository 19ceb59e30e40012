using System.Text.Json.Serialization;
using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Domains;

/// <summary>A domain of a partner: <c>inventory</c> (ready, on no order) or <c>connected</c> (on an order).</summary>
public sealed record DomainRecord(
    string Id,
    string Domain,
    string Category,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Provider,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? UserId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? OrderId,
    IReadOnlyList<string> UsableFor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ForwardingUrl,
    DateTimeOffset CreatedAt
);

/// <summary>Filters of <c>GET /domains</c>.</summary>
public sealed record DomainFilter(string? Category, string? UserId, string? UsableFor, string? Status);

/// <summary>
/// Domains in <c>Peeker{Env}Domains</c> (PartitionKey = partner id, RowKey = <c>dom_…</c>) and the race-safe
/// "one active order per domain" claims in <c>Peeker{Env}OrderClaims</c> (PartitionKey <c>domain</c>, RowKey = name);
/// the environment-wide owner of each name is in <c>DomainStore.Owners.cs</c>.
/// </summary>
public sealed partial class DomainStore(PeekerTables tables)
{
    private const string NamesTable = "DomainNames";
    private const string IndexMarkerPartition = "_index";
    private const string IndexMarkerRow = "names-v1";

    // Per environment: true once the marker row was seen (it is never removed).
    private readonly bool[] _namesIndexed = new bool[Enum.GetValues<PeekerEnvironment>().Length];

    /// <summary>
    /// Writes domain rows, replacing rows with the same id (batched per partition, at most 100 per transaction). The
    /// name index goes first: a crash between the two leaves an index row without its domain row, which lookups skip,
    /// never a domain row its name cannot find.
    /// </summary>
    public async Task SaveAsync(
        PeekerEnvironment env,
        string partnerId,
        IReadOnlyList<DomainRecord> domains,
        CancellationToken cancellationToken
    )
    {
        foreach (var chunk in domains.Chunk(100))
        {
            await tables
                .For(env, NamesTable)
                .SubmitTransactionAsync(
                    chunk
                        .DistinctBy(d => NameKey(d.Domain, d.Id))
                        .Select(d => new TableTransactionAction(
                            TableTransactionActionType.UpsertReplace,
                            new TableEntity(partnerId, NameKey(d.Domain, d.Id)) { ["DomainId"] = d.Id }
                        )),
                    cancellationToken
                );
            var actions = chunk
                .Select(d => new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToEntity(partnerId, d)))
                .ToList();
            await tables.For(env, "Domains").SubmitTransactionAsync(actions, cancellationToken);
        }
    }

    /// <summary>The domain, or null.</summary>
    public async Task<DomainRecord?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "dom") && await tables.For(env, "Domains").FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>Deletes domain rows and then their name index rows (missing rows are ignored).</summary>
    public async Task DeleteAsync(PeekerEnvironment env, string partnerId, IEnumerable<string> ids, CancellationToken cancellationToken)
    {
        foreach (var id in ids)
        {
            var name = (await tables.For(env, "Domains").FindAsync(partnerId, id, cancellationToken))?.GetString("Domain");
            await tables.For(env, "Domains").DeleteEntityAsync(partnerId, id, ETag.All, cancellationToken);
            if (name is not null)
            {
                await tables.For(env, NamesTable).DeleteEntityAsync(partnerId, NameKey(name, id), ETag.All, cancellationToken);
            }
        }
    }

    /// <summary>
    /// The partner's rows for a name (newest last): through the name index (<c>Peeker{Env}DomainNames</c>, PartitionKey =
    /// partner, RowKey = <c>{name}|{dom_…}</c>) once <see cref="IndexNamesAsync"/> has indexed the rows written before it
    /// existed; until then by a scan of the partner's partition.
    /// </summary>
    public async Task<IReadOnlyList<DomainRecord>> FindByNameAsync(
        PeekerEnvironment env,
        string partnerId,
        string domain,
        CancellationToken cancellationToken
    )
    {
        if (!await NamesIndexedAsync(env, cancellationToken))
        {
            return await ScanByNameAsync(env, partnerId, domain, cancellationToken);
        }

        var ids = new List<string>();
        var prefix = TableExtensions.Escape(domain + "|");
        var filter =
            $"PartitionKey eq '{TableExtensions.Escape(partnerId)}' and RowKey ge '{prefix}' and RowKey lt '{TableExtensions.Escape(domain + "}")}'";
        await foreach (
            var row in tables
                .For(env, NamesTable)
                .QueryAsync<TableEntity>(filter, select: ["DomainId"], cancellationToken: cancellationToken)
        )
        {
            ids.Add(row.GetString("DomainId"));
        }

        // An index row whose domain row is gone (a save cut short, a delete between its two steps) is skipped.
        var rows = await Task.WhenAll(ids.Order(StringComparer.Ordinal).Select(id => GetAsync(env, partnerId, id, cancellationToken)));
        return [.. rows.OfType<DomainRecord>().Where(r => r.Domain == domain)];
    }

    /// <summary>
    /// Indexes by name every domain row written before the name index existed, then marks the environment indexed (from
    /// then on <see cref="FindByNameAsync"/> uses the index). Idempotent; run at host start. The number of rows indexed.
    /// </summary>
    public async Task<int> IndexNamesAsync(PeekerEnvironment env, CancellationToken cancellationToken)
    {
        if (await NamesIndexedAsync(env, cancellationToken))
        {
            return 0;
        }

        var count = 0;
        var names = tables.For(env, NamesTable);
        await foreach (
            var page in tables
                .For(env, "Domains")
                .QueryAsync<TableEntity>(select: ["PartitionKey", "RowKey", "Domain"], cancellationToken: cancellationToken)
                .AsPages()
        )
        {
            foreach (var partition in page.Values.Where(r => r.GetString("Domain") is not null).GroupBy(r => r.PartitionKey))
            {
                foreach (var chunk in partition.Chunk(100))
                {
                    await names.SubmitTransactionAsync(
                        chunk.Select(r => new TableTransactionAction(
                            TableTransactionActionType.UpsertReplace,
                            new TableEntity(r.PartitionKey, NameKey(r.GetString("Domain"), r.RowKey)) { ["DomainId"] = r.RowKey }
                        )),
                        cancellationToken
                    );
                    count += chunk.Length;
                }
            }
        }

        await names.UpsertEntityAsync(new TableEntity(IndexMarkerPartition, IndexMarkerRow), TableUpdateMode.Replace, cancellationToken);
        _namesIndexed[(int)env] = true;
        return count;
    }

    private async Task<bool> NamesIndexedAsync(PeekerEnvironment env, CancellationToken cancellationToken)
    {
        if (_namesIndexed[(int)env])
        {
            return true;
        }

        var marker = await tables.For(env, NamesTable).FindAsync(IndexMarkerPartition, IndexMarkerRow, cancellationToken);
        return _namesIndexed[(int)env] = marker is not null;
    }

    private async Task<IReadOnlyList<DomainRecord>> ScanByNameAsync(
        PeekerEnvironment env,
        string partnerId,
        string domain,
        CancellationToken cancellationToken
    )
    {
        var rows = new List<DomainRecord>();
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}' and Domain eq '{TableExtensions.Escape(domain)}'";
        await foreach (var row in tables.For(env, "Domains").QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(Read(row));
        }

        return rows;
    }

    private static string NameKey(string domain, string id) => domain + "|" + id;

    /// <summary>The partner's domains in creation order.</summary>
    public async Task<ResultPage<DomainRecord>> ListAsync(
        PeekerEnvironment env,
        string partnerId,
        DomainFilter f,
        PageRequest page,
        CancellationToken cancellationToken
    )
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}'";
        foreach (var (column, value) in new[] { ("Category", f.Category), ("UserId", f.UserId), ("Status", f.Status) })
        {
            if (value is not null)
            {
                filter += $" and {column} eq '{TableExtensions.Escape(value)}'";
            }
        }

        if (f.UsableFor is not null)
        {
            filter += f.UsableFor == "microsoft" ? " and UsableMicrosoft eq true" : " and UsableGoogle eq true";
        }

        var (rows, more) = await tables.For(env, "Domains").PageAsync(filter, page.After, page.PerPage, cancellationToken);
        return new ResultPage<DomainRecord>(rows.Select(Read).ToList(), more ? rows[^1].RowKey : null);
    }

    /// <summary>Sets a domain's status (and category when given).</summary>
    public async Task SetStatusAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        string status,
        CancellationToken cancellationToken,
        string? category = null
    )
    {
        var entity = new TableEntity(partnerId, id) { ["Status"] = status };
        if (category is not null)
        {
            entity["Category"] = category;
        }

        await tables.For(env, "Domains").UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>
    /// Puts a domain row back in the inventory: <c>available</c>, category <c>inventory</c>, and its order fields
    /// (order, user, mail provider) cleared, as for a name that was never ordered. Missing rows are ignored.
    /// </summary>
    public async Task ReturnToInventoryAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken)
    {
        var table = tables.For(env, "Domains");
        while (await table.FindAsync(partnerId, id, cancellationToken) is { } row)
        {
            var record = Read(row) with
            {
                Category = "inventory",
                Status = DomainStatus.Available,
                OrderId = null,
                UserId = null,
                Provider = null,
            };
            try
            {
                await table.UpdateEntityAsync(ToEntity(partnerId, record), row.ETag, TableUpdateMode.Replace, cancellationToken);
                return;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed underneath us: look again.
            }
        }
    }

    /// <summary>
    /// Marks a connected domain of <paramref name="orderId"/> <c>active</c>; a row that has moved on meanwhile (its
    /// cancellation accepted, back in the inventory, on another order) is left alone. False when nothing was written.
    /// </summary>
    public async Task<bool> MarkActiveAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        string orderId,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "Domains");
        while (await table.FindAsync(partnerId, id, cancellationToken) is { } row)
        {
            if (
                row.GetString("OrderId") != orderId
                || row.GetString("Category") != "connected"
                || row.GetString("Status") != DomainStatus.Provisioning
            )
            {
                return false;
            }

            try
            {
                // The ETag makes the check and the write one step: a cancellation accepted in between wins.
                await table.UpdateEntityAsync(
                    new TableEntity(partnerId, id) { ["Status"] = DomainStatus.Active },
                    row.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken
                );
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Changed underneath us: look again.
            }
        }

        return false;
    }

    /// <summary>Sets a domain's forwarding URL.</summary>
    public async Task SetForwardingUrlAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        string url,
        CancellationToken cancellationToken
    ) =>
        await tables
            .For(env, "Domains")
            .UpdateEntityAsync(
                new TableEntity(partnerId, id) { ["ForwardingUrl"] = url },
                ETag.All,
                TableUpdateMode.Merge,
                cancellationToken
            );

    /// <summary>The order holding an active claim on <paramref name="domain"/>, or null.</summary>
    public async Task<string?> ActiveOrderOfAsync(PeekerEnvironment env, string domain, CancellationToken cancellationToken) =>
        (await tables.For(env, "OrderClaims").FindAsync("domain", domain, cancellationToken))?.GetString("OrderId");

    /// <summary>Claims every name for <paramref name="orderId"/> (insert-if-absent); on any conflict releases what it took and returns the conflicting names.</summary>
    public async Task<IReadOnlyList<string>> TryClaimAsync(
        PeekerEnvironment env,
        string orderId,
        IReadOnlyList<string> domains,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "OrderClaims");
        var taken = new List<string>();
        var conflicts = new List<string>();
        foreach (var domain in domains)
        {
            if (await table.TryAddAsync(new TableEntity("domain", domain) { ["OrderId"] = orderId }, cancellationToken))
            {
                taken.Add(domain);
            }
            else
            {
                conflicts.Add(domain);
            }
        }

        if (conflicts.Count > 0)
        {
            await ReleaseAsync(env, orderId, taken, cancellationToken);
        }

        return conflicts;
    }

    /// <summary>
    /// Records that <paramref name="orderId"/> is about to buy <paramref name="domain"/> (PartitionKey <c>purchase</c>);
    /// true when an earlier attempt already had, so its registrar create may have gone through unanswered.
    /// </summary>
    public async Task<bool> MarkPurchaseAttemptAsync(
        PeekerEnvironment env,
        string orderId,
        string domain,
        CancellationToken cancellationToken
    ) => !await tables.For(env, "OrderClaims").TryAddAsync(new TableEntity("purchase", domain + "|" + orderId), cancellationToken);

    /// <summary>Releases claims held by <paramref name="orderId"/> (a claim of another order is left alone).</summary>
    public async Task ReleaseAsync(PeekerEnvironment env, string orderId, IEnumerable<string> domains, CancellationToken cancellationToken)
    {
        var table = tables.For(env, "OrderClaims");
        foreach (var domain in domains)
        {
            if (await table.FindAsync("domain", domain, cancellationToken) is { } row && row.GetString("OrderId") == orderId)
            {
                try
                {
                    await table.DeleteEntityAsync("domain", domain, row.ETag, cancellationToken);
                }
                catch (RequestFailedException ex) when (ex.Status is 404 or 412)
                {
                    // Already released or re-claimed: nothing of ours to remove.
                }
            }
        }
    }

    private static TableEntity ToEntity(string partnerId, DomainRecord d) =>
        new(partnerId, d.Id)
        {
            ["Domain"] = d.Domain,
            ["Category"] = d.Category,
            ["Status"] = d.Status,
            ["Provider"] = d.Provider,
            ["UserId"] = d.UserId,
            ["OrderId"] = d.OrderId,
            ["UsableGoogle"] = d.UsableFor.Contains("google"),
            ["UsableMicrosoft"] = d.UsableFor.Contains("microsoft"),
            ["ForwardingUrl"] = d.ForwardingUrl,
            ["CreatedAt"] = d.CreatedAt,
        };

    private static DomainRecord Read(TableEntity e)
    {
        var usable = new List<string>();
        if (e.GetBoolean("UsableGoogle") == true)
        {
            usable.Add("google");
        }

        if (e.GetBoolean("UsableMicrosoft") == true)
        {
            usable.Add("microsoft");
        }

        return new DomainRecord(
            e.RowKey,
            e.Str("Domain"),
            e.Str("Category"),
            e.Str("Status"),
            e.GetString("Provider"),
            e.GetString("UserId"),
            e.GetString("OrderId"),
            usable,
            e.GetString("ForwardingUrl"),
            e.Time("CreatedAt")
        );
    }
}
