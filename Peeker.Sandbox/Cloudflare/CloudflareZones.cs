using System.Globalization;
using Peeker.Sandbox.Registrar;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Cloudflare;

/// <summary>Zone endpoints of the Cloudflare simulator.</summary>
internal static class CloudflareZones
{
    private static readonly string[] NameserverNames =
    [
        "ada",
        "bob",
        "cruz",
        "dana",
        "eve",
        "finn",
        "gina",
        "hugo",
        "iris",
        "jack",
        "kara",
        "liam",
        "mia",
        "noah",
        "olga",
        "pete",
    ];

    public static async Task<IResult> CreateAsync(HttpContext http, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var partner = CloudflareSimulator.Partner(http);
        var body = await CfResults.BodyAsync(http.Request, ct);
        var name = body?["name"]?.GetValue<string>()?.Trim().TrimEnd('.').ToLowerInvariant();
        var accountId = body?["account"]?["id"]?.GetValue<string>();
        if (string.IsNullOrEmpty(name) || !name.Contains('.', StringComparison.Ordinal))
        {
            return CfResults.Fail(400, 1097, "Invalid or missing zone name.");
        }

        if (string.IsNullOrEmpty(accountId))
        {
            return CfResults.Fail(400, 1105, "Account ID is required.");
        }

        if (await SandboxFaults.FireAsync(store, partner, SandboxFaults.RateLimited, name, 1, ct))
        {
            return CfResults.RateLimited(http, 1);
        }

        var id = SandboxFaults.HexId(partner + "|zone|" + name);
        var first = SandboxFaults.Hash(name, NameserverNames.Length);
        var second = (first + 1 + SandboxFaults.Hash(name + "#2", NameserverNames.Length - 1)) % NameserverNames.Length;
        var zone = new CloudflareZoneState(
            id,
            name,
            accountId,
            [NameserverNames[first] + ".ns.cloudflare.com", NameserverNames[second] + ".ns.cloudflare.com"],
            "pending",
            time.GetUtcNow(),
            null
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.CloudflareZone, id, zone, ct))
        {
            return CfResults.Fail(400, 1061, $"{name} already exists");
        }

        return CfResults.Ok(Wire(zone));
    }

    public static async Task<IResult> ListAsync(
        HttpContext http,
        SandboxStore store,
        TimeProvider time,
        string? name,
        string? status,
        int? page,
        int? per_page,
        CancellationToken ct
    )
    {
        var partner = CloudflareSimulator.Partner(http);
        var zones = new List<CloudflareZoneState>();
        foreach (var zone in await store.ListAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, ct))
        {
            zones.Add(await RefreshAsync(store, partner, zone, time, ct));
        }

        var filtered = zones
            .Where(z =>
                (name is null || string.Equals(z.Name, name, StringComparison.OrdinalIgnoreCase)) && (status is null || z.Status == status)
            )
            .OrderBy(z => z.Name, StringComparer.Ordinal)
            .ToList();
        var size = Math.Clamp(per_page ?? 20, 5, 50);
        var number = Math.Max(page ?? 1, 1);
        var slice = filtered.Skip((number - 1) * size).Take(size).Select(Wire).ToList();
        return CfResults.Ok(slice, CfResults.Info(number, size, slice.Count, filtered.Count));
    }

    public static async Task<IResult> GetAsync(HttpContext http, SandboxStore store, TimeProvider time, string zoneId, CancellationToken ct)
    {
        var partner = CloudflareSimulator.Partner(http);
        var zone = await store.GetAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, zoneId, ct);
        return zone is null
            ? CfResults.NotFound(http.Request.Path)
            : CfResults.Ok(Wire(await RefreshAsync(store, partner, zone, time, ct)));
    }

    public static async Task<IResult> DeleteAsync(HttpContext http, SandboxStore store, string zoneId, CancellationToken ct)
    {
        var partner = CloudflareSimulator.Partner(http);
        if (await store.GetAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, zoneId, ct) is null)
        {
            return CfResults.NotFound(http.Request.Path);
        }

        foreach (
            var record in (await store.ListAsync<CloudflareRecordState>(partner, SandboxKinds.CloudflareRecord, ct)).Where(r =>
                r.ZoneId == zoneId
            )
        )
        {
            await store.DeleteAsync(partner, SandboxKinds.CloudflareRecord, record.ZoneId + "|" + record.Id, ct);
        }

        await store.DeleteAsync(partner, SandboxKinds.CloudflareZone, zoneId, ct);
        return CfResults.Ok(new { id = zoneId });
    }

    public static async Task<IResult> ActivationCheckAsync(
        HttpContext http,
        SandboxStore store,
        TimeProvider time,
        string zoneId,
        CancellationToken ct
    )
    {
        var partner = CloudflareSimulator.Partner(http);
        var zone = await store.GetAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, zoneId, ct);
        if (zone is null)
        {
            return CfResults.NotFound(http.Request.Path);
        }

        zone = await RefreshAsync(store, partner, zone, time, ct);

        // A domain the partner's sandbox registrar does not hold belongs to a customer (an import): the simulated
        // customer switches its nameservers by the first activation check, except for nsfail names and unless it set
        // other nameservers through the _customer hook.
        if (
            zone.Status is "pending" or "moved"
            && !SandboxFaults.Has(zone.Name, SandboxFaults.NsFail)
            && await store.GetAsync<RegistrarDomainState>(partner, SandboxKinds.RegistrarDomain, zone.Name, ct) is null
            && await CustomerDelegatesElsewhereAsync(store, partner, zone, ct) is false
        )
        {
            await store.UpsertAsync(
                partner,
                SandboxKinds.CloudflareZone,
                zone.Id,
                zone with
                {
                    Status = "active",
                    ActivatedOn = time.GetUtcNow(),
                },
                ct
            );
        }

        return CfResults.Ok(new { id = zoneId });
    }

    /// <summary>A pending zone turns active once the sandbox registrar delegates it to exactly the assigned pair (never for <c>nsfail</c>).</summary>
    /// <remarks>
    /// An active zone whose customer set other nameservers (the <c>_customer</c> hook) turns <c>moved</c>, as
    /// Cloudflare marks a zone whose nameservers no longer point at it; the activation check makes it active again
    /// once they point back.
    /// </remarks>
    internal static async Task<CloudflareZoneState> RefreshAsync(
        SandboxStore store,
        string partner,
        CloudflareZoneState zone,
        TimeProvider time,
        CancellationToken ct
    )
    {
        if (zone.Status == "active" && await CustomerDelegatesElsewhereAsync(store, partner, zone, ct))
        {
            var moved = zone with { Status = "moved" };
            await store.UpsertAsync(partner, SandboxKinds.CloudflareZone, zone.Id, moved, ct);
            return moved;
        }

        if (zone.Status != "pending" || SandboxFaults.Has(zone.Name, SandboxFaults.NsFail))
        {
            return zone;
        }

        var registered = await store.GetAsync<RegistrarDomainState>(partner, SandboxKinds.RegistrarDomain, zone.Name, ct);
        if (
            registered is null
            || !registered.Custom
            || !registered.Nameservers.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(zone.NameServers)
        )
        {
            return zone;
        }

        var active = zone with { Status = "active", ActivatedOn = time.GetUtcNow() };
        await store.UpsertAsync(partner, SandboxKinds.CloudflareZone, zone.Id, active, ct);
        return active;
    }

    /// <summary>True when the customer set nameservers for the zone's name (the <c>_customer</c> hook) other than the zone's.</summary>
    private static async Task<bool> CustomerDelegatesElsewhereAsync(
        SandboxStore store,
        string partner,
        CloudflareZoneState zone,
        CancellationToken ct
    ) =>
        await store.GetAsync<CustomerNameserversState>(partner, SandboxKinds.CustomerNameservers, zone.Name.ToLowerInvariant(), ct)
            is { } customer
        && !customer.Nameservers.ToHashSet(StringComparer.OrdinalIgnoreCase).SetEquals(zone.NameServers);

    internal static object Wire(CloudflareZoneState z) =>
        new
        {
            id = z.Id,
            name = z.Name,
            status = z.Status,
            paused = false,
            type = "full",
            development_mode = 0,
            name_servers = z.NameServers,
            original_name_servers = new[] { "dns1.registrar-servers.com", "dns2.registrar-servers.com" },
            original_registrar = "namecheap",
            original_dnshost = (string?)null,
            account = new { id = z.AccountId, name = "Sandbox account" },
            created_on = z.CreatedOn.ToString("O", CultureInfo.InvariantCulture),
            modified_on = (z.ActivatedOn ?? z.CreatedOn).ToString("O", CultureInfo.InvariantCulture),
            activated_on = z.ActivatedOn?.ToString("O", CultureInfo.InvariantCulture),
            meta = new { step = 4, phishing_detected = false },
            plan = new
            {
                id = "0feeeeeeeeeeeeeeeeeeeeeeeeeeeeee",
                name = "Free Website",
                price = 0,
                currency = "USD",
            },
        };
}
