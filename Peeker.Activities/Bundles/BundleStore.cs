using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Bundles;

/// <summary>A bundle as the API shows it.</summary>
public sealed record Bundle(
    string Id,
    string Name,
    long MonthlySendingVolume,
    int? GooglePercent,
    int? MicrosoftPercent,
    bool SendOnWeekends,
    int GoogleInboxesPerDomain,
    string Status,
    EffectiveSplit Effective,
    RequiredDomains RequiredDomains,
    DateTimeOffset CreatedAt
);

/// <summary>The editable fields of a bundle.</summary>
public sealed record BundleSpec(
    string Name,
    long MonthlySendingVolume,
    int? GooglePercent,
    int? MicrosoftPercent,
    bool SendOnWeekends,
    int GoogleInboxesPerDomain
);

/// <summary>Bundles in <c>Peeker{Env}Bundles</c>: PartitionKey = partner id, RowKey = <c>bun_…</c>.</summary>
public sealed class BundleStore(PeekerTables tables, TimeProvider time)
{
    /// <summary>Creates an active bundle.</summary>
    public async Task<Bundle> CreateAsync(PeekerEnvironment env, string partnerId, BundleSpec spec, CancellationToken cancellationToken)
    {
        var entity = new TableEntity(partnerId, Ids.New("bun", time))
        {
            ["Status"] = "active",
            ["Used"] = false,
            ["CreatedAt"] = time.GetUtcNow(),
        };
        Write(entity, spec);
        await tables.For(env, "Bundles").AddEntityAsync(entity, cancellationToken);
        return Read(entity);
    }

    /// <summary>The bundle, or null when it does not exist for this partner.</summary>
    public async Task<Bundle?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "bun") && await tables.For(env, "Bundles").FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>The partner's bundles in creation order, optionally by status.</summary>
    public async Task<ResultPage<Bundle>> ListAsync(
        PeekerEnvironment env,
        string partnerId,
        string? status,
        PageRequest page,
        CancellationToken cancellationToken
    )
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}'";
        if (status is not null)
        {
            filter += $" and Status eq '{TableExtensions.Escape(status)}'";
        }

        var (rows, more) = await tables.For(env, "Bundles").PageAsync(filter, page.After, page.PerPage, cancellationToken);
        return new ResultPage<Bundle>(rows.Select(Read).ToList(), more ? rows[^1].RowKey : null);
    }

    /// <summary>Replaces the editable fields (optimistic concurrency on the row's ETag).</summary>
    public async Task<Bundle?> UpdateAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        Func<BundleSpec, BundleSpec> change,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "Bundles");
        while (Ids.Has(id, "bun"))
        {
            if (await table.FindAsync(partnerId, id, cancellationToken) is not { } row)
            {
                return null;
            }

            Write(row, change(SpecOf(Read(row))));
            try
            {
                await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
                return Read(row);
            }
            catch (RequestFailedException ex) when (ex.Status == 412)
            {
                // Someone else changed it: re-read and re-apply.
            }
        }

        return null;
    }

    /// <summary>Deletes a never-used bundle (returns it with status <c>deleted</c>) or archives a used one.</summary>
    public async Task<Bundle?> DeleteAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken)
    {
        var table = tables.For(env, "Bundles");
        if (!Ids.Has(id, "bun") || await table.FindAsync(partnerId, id, cancellationToken) is not { } row)
        {
            return null;
        }

        if (row.GetBoolean("Used") == true)
        {
            row["Status"] = "archived";
            await table.UpdateEntityAsync(row, row.ETag, TableUpdateMode.Replace, cancellationToken);
            return Read(row);
        }

        await table.DeleteEntityAsync(partnerId, id, row.ETag, cancellationToken);
        row["Status"] = "deleted";
        return Read(row);
    }

    /// <summary>Marks the bundle as used by an order (so deleting it archives instead).</summary>
    public async Task MarkUsedAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        await tables
            .For(env, "Bundles")
            .UpdateEntityAsync(new TableEntity(partnerId, id) { ["Used"] = true }, ETag.All, TableUpdateMode.Merge, cancellationToken);

    /// <summary>The editable fields of a bundle.</summary>
    public static BundleSpec SpecOf(Bundle b) =>
        new(b.Name, b.MonthlySendingVolume, b.GooglePercent, b.MicrosoftPercent, b.SendOnWeekends, b.GoogleInboxesPerDomain);

    private static void Write(TableEntity e, BundleSpec spec)
    {
        e["Name"] = spec.Name;
        e["MonthlySendingVolume"] = spec.MonthlySendingVolume;
        e["GooglePercent"] = spec.GooglePercent;
        e["MicrosoftPercent"] = spec.MicrosoftPercent;
        e["SendOnWeekends"] = spec.SendOnWeekends;
        e["GoogleInboxesPerDomain"] = spec.GoogleInboxesPerDomain;
    }

    private static Bundle Read(TableEntity e)
    {
        var spec = new BundleSpec(
            e.Str("Name"),
            e.GetInt64("MonthlySendingVolume") ?? 0,
            e.GetInt32("GooglePercent"),
            e.GetInt32("MicrosoftPercent"),
            e.GetBoolean("SendOnWeekends") == true,
            e.GetInt32("GoogleInboxesPerDomain") ?? 2
        );
        var split = BundleSizing.Effective(spec.GooglePercent, spec.MicrosoftPercent);
        return new Bundle(
            e.RowKey,
            spec.Name,
            spec.MonthlySendingVolume,
            spec.GooglePercent,
            spec.MicrosoftPercent,
            spec.SendOnWeekends,
            spec.GoogleInboxesPerDomain,
            e.Str("Status"),
            split,
            BundleSizing.Required(spec.MonthlySendingVolume, split, spec.SendOnWeekends, spec.GoogleInboxesPerDomain),
            e.Time("CreatedAt")
        );
    }
}
