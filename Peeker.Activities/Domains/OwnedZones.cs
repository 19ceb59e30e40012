using Peeker.Activities.Cloudflare;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Domains;

/// <summary>
/// Creates the Cloudflare zone of a name the caller owns (<see cref="DomainStore.TryOwnAsync"/>) and records its id.
/// An existing zone (Cloudflare's 1061) is used only when it is recorded as the caller's or was created after the
/// caller took the name; any other existing zone belongs to someone else and is never adopted.
/// </summary>
public static class OwnedZones
{
    /// <summary>The caller's zone for <paramref name="domain"/>, or null when another partner holds the name or its zone.</summary>
    public static async Task<CloudflareZone?> CreateOrReuseAsync(
        ICloudflareClient client,
        DomainStore domains,
        ProviderScope scope,
        string domain,
        string holder,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var (env, partnerId) = (scope.Environment, scope.PartnerId);
        if (await domains.TryOwnAsync(env, domain, partnerId, holder, now, cancellationToken) == DomainOwnership.HeldByOther)
        {
            return null;
        }

        var zone = await client.CreateZoneAsync(domain, cancellationToken);
        if (zone.AlreadyExisted && !await domains.IsOwnZoneAsync(env, domain, partnerId, zone.Id, zone.CreatedOn, cancellationToken))
        {
            return null;
        }

        return await domains.RecordZoneAsync(env, domain, partnerId, zone.Id, cancellationToken) ? zone : null;
    }
}
