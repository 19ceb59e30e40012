using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Partners;

/// <summary>A partner organisation (<c>org_…</c>) and its plan tier (<see cref="PlanTiers"/>).</summary>
public sealed record Partner(string Id, string Name, DateTimeOffset CreatedAt, string PlanTier = PlanTiers.Base);

/// <summary>Partners in the shared <c>PeekerPartners</c> table (PartitionKey <c>partner</c>, RowKey = id).</summary>
public sealed class PartnerStore(PeekerTables tables, TimeProvider time)
{
    private const string Partition = "partner";

    private TableClient Table => tables.Shared("PeekerPartners");

    /// <summary>Creates a partner with a new id, or with <paramref name="fixedId"/> if it does not exist yet.</summary>
    public async Task<Partner> CreateAsync(
        string name,
        CancellationToken cancellationToken,
        string? fixedId = null,
        string planTier = PlanTiers.Base
    )
    {
        var partner = new Partner(fixedId ?? Ids.New("org", time), name, time.GetUtcNow(), planTier);
        var added = await Table.TryAddAsync(
            new TableEntity(Partition, partner.Id)
            {
                ["Name"] = partner.Name,
                ["CreatedAt"] = partner.CreatedAt,
                ["PlanTier"] = partner.PlanTier,
            },
            cancellationToken
        );
        return added ? partner : (await GetAsync(partner.Id, cancellationToken))!;
    }

    /// <summary>The partner, or null.</summary>
    public async Task<Partner?> GetAsync(string id, CancellationToken cancellationToken)
    {
        var row = Ids.Has(id, "org") ? await Table.FindAsync(Partition, id, cancellationToken) : null;
        return row is null
            ? null
            : new Partner(row.RowKey, row.Str("Name"), row.Time("CreatedAt"), row.GetString("PlanTier") ?? PlanTiers.Base);
    }

    /// <summary>Sets the partner's plan tier; null when there is no such partner.</summary>
    public async Task<Partner?> SetPlanTierAsync(string id, string planTier, CancellationToken cancellationToken)
    {
        if (await GetAsync(id, cancellationToken) is null)
        {
            return null;
        }

        await Table.UpdateEntityAsync(
            new TableEntity(Partition, id) { ["PlanTier"] = planTier },
            Azure.ETag.All,
            TableUpdateMode.Merge,
            cancellationToken
        );
        return await GetAsync(id, cancellationToken);
    }
}
