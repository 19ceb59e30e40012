using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Domains;

/// <summary>What <see cref="DomainStore.TryOwnAsync"/> found.</summary>
public enum DomainOwnership
{
    /// <summary>The name was free (or released) and is now the caller's.</summary>
    Acquired,

    /// <summary>The caller already held the name (its inventory, order or another of its imports).</summary>
    AlreadyOurs,

    /// <summary>Another partner holds the name: nothing changed.</summary>
    HeldByOther,
}

/// <summary>
/// The one owner of each domain name in an environment, in <c>Peeker{Env}DomainOwners</c> (PartitionKey <c>domain</c>,
/// RowKey = normalised name): the partner holding it in inventory, on an order or in an import in progress, and the
/// Cloudflare zone we created for it. Taking a name is insert-if-absent (or a takeover of a released row under its
/// ETag), so two partners can never hold the same name; a released row keeps its zone so the zone's creator is known.
/// </summary>
public sealed partial class DomainStore
{
    private const string OwnerPartition = "domain";

    /// <summary>
    /// Makes <paramref name="partnerId"/> the owner of <paramref name="domain"/> unless another partner holds it;
    /// <paramref name="holder"/> (<c>imp_…</c>, <c>ord_…</c>) and <paramref name="now"/> are recorded for operators and zone checks.
    /// </summary>
    public async Task<DomainOwnership> TryOwnAsync(
        PeekerEnvironment env,
        string domain,
        string partnerId,
        string holder,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var table = Owners(env);
        while (true)
        {
            var claim = new TableEntity(OwnerPartition, domain)
            {
                ["PartnerId"] = partnerId,
                ["AcquiredBy"] = holder,
                ["AcquiredAt"] = now,
            };
            if (await table.TryAddAsync(claim, cancellationToken))
            {
                return DomainOwnership.Acquired;
            }

            if (await table.FindAsync(OwnerPartition, domain, cancellationToken) is not { } row)
            {
                continue;
            }

            var owner = row.GetString("PartnerId");
            if (!string.IsNullOrEmpty(owner))
            {
                return owner == partnerId ? DomainOwnership.AlreadyOurs : DomainOwnership.HeldByOther;
            }

            try
            {
                await table.UpdateEntityAsync(claim, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return DomainOwnership.Acquired;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Taken or removed underneath us: look again.
            }
        }
    }

    /// <summary>The partner owning <paramref name="domain"/>, or null when nobody does.</summary>
    public async Task<string?> OwnerOfAsync(PeekerEnvironment env, string domain, CancellationToken cancellationToken) =>
        (await Owners(env).FindAsync(OwnerPartition, domain, cancellationToken))?.GetString("PartnerId") is { Length: > 0 } owner
            ? owner
            : null;

    /// <summary>Lets go of <paramref name="domain"/> if <paramref name="partnerId"/> owns it (the row stays, with its zone, as released).</summary>
    public async Task ReleaseOwnershipAsync(PeekerEnvironment env, string domain, string partnerId, CancellationToken cancellationToken)
    {
        var table = Owners(env);
        while (await table.FindAsync(OwnerPartition, domain, cancellationToken) is { } row && row.GetString("PartnerId") == partnerId)
        {
            try
            {
                await table.UpdateEntityAsync(
                    new TableEntity(OwnerPartition, domain) { ["PartnerId"] = "" },
                    row.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken
                );
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed underneath us: look again.
            }
        }
    }

    /// <summary>
    /// Whether the existing Cloudflare zone <paramref name="zoneId"/> (created at <paramref name="zoneCreatedOn"/>) may be used
    /// by <paramref name="partnerId"/>: the partner owns the name and either the zone is the one recorded as its own or
    /// it was created after the partner took the name (only the owner creates zones for a name, so it is ours from a try
    /// whose answer was lost).
    /// </summary>
    public async Task<bool> IsOwnZoneAsync(
        PeekerEnvironment env,
        string domain,
        string partnerId,
        string zoneId,
        DateTimeOffset? zoneCreatedOn,
        CancellationToken cancellationToken
    )
    {
        if (
            await Owners(env).FindAsync(OwnerPartition, domain, cancellationToken) is not { } row
            || row.GetString("PartnerId") != partnerId
        )
        {
            return false;
        }

        return (row.GetString("ZoneId") == zoneId && row.GetString("ZonePartnerId") == partnerId)
            || (zoneCreatedOn is { } created && row.GetDateTimeOffset("AcquiredAt") is { } acquired && created >= acquired);
    }

    /// <summary>Records <paramref name="zoneId"/> as the zone <paramref name="partnerId"/> uses for <paramref name="domain"/>; false when the partner does not own the name.</summary>
    public async Task<bool> RecordZoneAsync(
        PeekerEnvironment env,
        string domain,
        string partnerId,
        string zoneId,
        CancellationToken cancellationToken
    )
    {
        var table = Owners(env);
        while (await table.FindAsync(OwnerPartition, domain, cancellationToken) is { } row && row.GetString("PartnerId") == partnerId)
        {
            try
            {
                var zone = new TableEntity(OwnerPartition, domain) { ["ZoneId"] = zoneId, ["ZonePartnerId"] = partnerId };
                await table.UpdateEntityAsync(zone, row.ETag, TableUpdateMode.Merge, cancellationToken);
                return true;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed underneath us: look again.
            }
        }

        return false;
    }

    /// <summary>The zone id recorded as created by <paramref name="partnerId"/> for <paramref name="domain"/>, or null.</summary>
    public async Task<string?> ZoneOfAsync(PeekerEnvironment env, string domain, string partnerId, CancellationToken cancellationToken) =>
        await Owners(env).FindAsync(OwnerPartition, domain, cancellationToken) is { } row
        && row.GetString("ZonePartnerId") == partnerId
        && row.GetString("ZoneId") is { Length: > 0 } zoneId
            ? zoneId
            : null;

    /// <summary>Forgets the recorded zone once it is deleted (only when it is still <paramref name="zoneId"/>).</summary>
    public async Task ForgetZoneAsync(PeekerEnvironment env, string domain, string zoneId, CancellationToken cancellationToken)
    {
        var table = Owners(env);
        while (await table.FindAsync(OwnerPartition, domain, cancellationToken) is { } row && row.GetString("ZoneId") == zoneId)
        {
            try
            {
                await table.UpdateEntityAsync(
                    new TableEntity(OwnerPartition, domain) { ["ZoneId"] = "", ["ZonePartnerId"] = "" },
                    row.ETag,
                    TableUpdateMode.Merge,
                    cancellationToken
                );
                return;
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Changed underneath us: look again.
            }
        }
    }

    private TableClient Owners(PeekerEnvironment env) => tables.For(env, "DomainOwners");
}
