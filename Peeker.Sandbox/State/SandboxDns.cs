using Peeker.Sandbox.Cloudflare;

namespace Peeker.Sandbox.State;

/// <summary>What the sandbox "internet" resolves: the partner's simulated Cloudflare zones (for provider verification).</summary>
internal static class SandboxDns
{
    /// <summary>TXT values published at <paramref name="fqdn"/> in the partner's zone for it.</summary>
    public static async Task<IReadOnlyList<string>> TxtAsync(SandboxStore store, string partner, string fqdn, CancellationToken ct)
    {
        var name = fqdn.ToLowerInvariant();
        var zones = await store.ListAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, ct);
        var zone = zones.Where(z => name == z.Name || name.EndsWith("." + z.Name, StringComparison.Ordinal)).MaxBy(z => z.Name.Length);
        if (zone is null)
        {
            return [];
        }

        return (await CloudflareRecords.ZoneRecordsAsync(store, partner, zone.Id, ct))
            .Where(r => r.Type == "TXT" && r.Name == name)
            .Select(r => r.Content.Trim('"'))
            .ToList();
    }
}
