using System.Globalization;
using System.Text.Json.Nodes;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Cloudflare;

/// <summary>DNS record endpoints of the Cloudflare simulator.</summary>
internal static class CloudflareRecords
{
    /// <summary>Free plan batch cap.</summary>
    public const int MaxBatchOperations = 200;

    private static readonly HashSet<string> Types = ["A", "AAAA", "CNAME", "MX", "TXT", "NS", "SRV", "CAA"];
    private static readonly HashSet<string> Proxiable = ["A", "AAAA", "CNAME"];

    public static async Task<IResult> ListAsync(
        HttpContext http,
        SandboxStore store,
        string zoneId,
        string? type,
        string? name,
        string? content,
        int? page,
        int? per_page,
        CancellationToken ct
    )
    {
        var partner = CloudflareSimulator.Partner(http);
        var zone = await store.GetAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, zoneId, ct);
        if (zone is null)
        {
            return CfResults.NotFound(http.Request.Path);
        }

        var fqdn = name is null ? null : Fqdn(name, zone.Name);
        var records = (await ZoneRecordsAsync(store, partner, zoneId, ct))
            .Where(r =>
                (type is null || string.Equals(r.Type, type, StringComparison.OrdinalIgnoreCase))
                && (fqdn is null || r.Name == fqdn)
                && (content is null || r.Content == content)
            )
            .OrderBy(r => r.Name, StringComparer.Ordinal)
            .ThenBy(r => r.Type, StringComparer.Ordinal)
            .ThenBy(r => r.Id, StringComparer.Ordinal)
            .ToList();
        var size = Math.Clamp(per_page ?? 100, 5, 5000);
        var number = Math.Max(page ?? 1, 1);
        var slice = records.Skip((number - 1) * size).Take(size).Select(Wire).ToList();
        return CfResults.Ok(slice, CfResults.Info(number, size, slice.Count, records.Count));
    }

    public static async Task<IResult> CreateAsync(
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

        var body = await CfResults.BodyAsync(http.Request, ct);
        var existing = await ZoneRecordsAsync(store, partner, zoneId, ct);
        var (record, error) = Validate(body, zone, existing, time);
        if (error is not null)
        {
            return error;
        }

        await store.UpsertAsync(partner, SandboxKinds.CloudflareRecord, zoneId + "|" + record!.Id, record, ct);
        return CfResults.Ok(Wire(record));
    }

    public static async Task<IResult> DeleteAsync(
        HttpContext http,
        SandboxStore store,
        string zoneId,
        string recordId,
        CancellationToken ct
    )
    {
        var partner = CloudflareSimulator.Partner(http);
        if (await store.GetAsync<CloudflareRecordState>(partner, SandboxKinds.CloudflareRecord, zoneId + "|" + recordId, ct) is null)
        {
            return CfResults.Fail(404, 81044, "Record does not exist.");
        }

        await store.DeleteAsync(partner, SandboxKinds.CloudflareRecord, zoneId + "|" + recordId, ct);
        return CfResults.Ok(new { id = recordId });
    }

    /// <summary>deletes → patches → puts → posts, validated as one transaction: any error applies nothing.</summary>
    public static async Task<IResult> BatchAsync(
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

        var body = await CfResults.BodyAsync(http.Request, ct) ?? [];
        JsonArray Ops(string key) => body[key] as JsonArray ?? [];
        if (Ops("deletes").Count + Ops("patches").Count + Ops("puts").Count + Ops("posts").Count > MaxBatchOperations)
        {
            return CfResults.Fail(400, 81047, $"Batch exceeds the plan limit of {MaxBatchOperations} operations.");
        }

        var working = (await ZoneRecordsAsync(store, partner, zoneId, ct)).ToDictionary(r => r.Id);
        var deleted = new List<CloudflareRecordState>();
        foreach (var op in Ops("deletes"))
        {
            var id = op?["id"]?.GetValue<string>() ?? "";
            if (!working.Remove(id, out var gone))
            {
                return CfResults.Fail(400, 81044, "Record does not exist.");
            }

            deleted.Add(gone);
        }

        var changed = new Dictionary<string, List<CloudflareRecordState>>
        {
            ["patches"] = [],
            ["puts"] = [],
            ["posts"] = [],
        };
        foreach (var kind in new[] { "patches", "puts" })
        {
            foreach (var op in Ops(kind).OfType<JsonObject>())
            {
                var id = op["id"]?.GetValue<string>() ?? "";
                if (!working.Remove(id, out var current))
                {
                    return CfResults.Fail(400, 81044, "Record does not exist.");
                }

                var merged = kind == "puts" ? op : Merge(current, op);
                var (record, error) = Validate(merged, zone, working.Values, time, id);
                if (error is not null)
                {
                    return error;
                }

                working[id] = record!;
                changed[kind].Add(record!);
            }
        }

        foreach (var op in Ops("posts").OfType<JsonObject>())
        {
            var (record, error) = Validate(op, zone, working.Values, time);
            if (error is not null)
            {
                return error;
            }

            working[record!.Id] = record;
            changed["posts"].Add(record);
        }

        foreach (var gone in deleted.Where(d => !working.ContainsKey(d.Id)))
        {
            await store.DeleteAsync(partner, SandboxKinds.CloudflareRecord, zoneId + "|" + gone.Id, ct);
        }

        foreach (var record in changed.Values.SelectMany(r => r))
        {
            await store.UpsertAsync(partner, SandboxKinds.CloudflareRecord, zoneId + "|" + record.Id, record, ct);
        }

        return CfResults.Ok(
            new
            {
                deletes = deleted.Select(Wire).ToList(),
                patches = changed["patches"].Select(Wire).ToList(),
                puts = changed["puts"].Select(Wire).ToList(),
                posts = changed["posts"].Select(Wire).ToList(),
            }
        );
    }

    internal static async Task<List<CloudflareRecordState>> ZoneRecordsAsync(
        SandboxStore store,
        string partner,
        string zoneId,
        CancellationToken ct
    ) => (await store.ListAsync<CloudflareRecordState>(partner, SandboxKinds.CloudflareRecord, ct)).Where(r => r.ZoneId == zoneId).ToList();

    private static (CloudflareRecordState? Record, IResult? Error) Validate(
        JsonObject? body,
        CloudflareZoneState zone,
        IEnumerable<CloudflareRecordState> existing,
        TimeProvider time,
        string? keepId = null
    )
    {
        var type = body?["type"]?.GetValue<string>()?.ToUpperInvariant();
        var name = body?["name"]?.GetValue<string>();
        var content = body?["content"]?.GetValue<string>();
        if (type is null || !Types.Contains(type))
        {
            return (null, CfResults.Fail(400, 9000, "DNS record type is invalid."));
        }

        if (string.IsNullOrWhiteSpace(name) || string.IsNullOrEmpty(content))
        {
            return (null, CfResults.Fail(400, 9000, "DNS name and content are required."));
        }

        var ttl = body!["ttl"]?.GetValue<int>() ?? 1;
        if (ttl != 1 && ttl is < 60 or > 86400)
        {
            return (null, CfResults.Fail(400, 9021, "Invalid TTL. Must be between 60 and 86400 seconds, or 1 for Automatic."));
        }

        var priority = body["priority"]?.GetValue<int>();
        if (type == "MX" && priority is null or < 0 or > 65535)
        {
            return (null, CfResults.Fail(400, 9101, "MX records require a priority between 0 and 65535."));
        }

        var proxied = body["proxied"]?.GetValue<bool>() ?? false;
        if (proxied && !Proxiable.Contains(type))
        {
            return (null, CfResults.Fail(400, 9004, "This record type cannot be proxied."));
        }

        var fqdn = Fqdn(name, zone.Name);
        var others = existing.Where(r => r.Name == fqdn && r.Id != keepId).ToList();
        if (others.Any(r => r.Type == type && r.Content == content))
        {
            return (null, CfResults.Fail(400, 81058, "An identical record already exists."));
        }

        if (type == "CNAME" && others.Count > 0)
        {
            return (
                null,
                CfResults.Fail(
                    400,
                    others.Any(r => r.Type == "CNAME") ? 81057 : 81053,
                    others.Any(r => r.Type == "CNAME")
                        ? "The record already exists."
                        : "An A, AAAA, or CNAME record with that host already exists."
                )
            );
        }

        if (others.Any(r => r.Type == "CNAME"))
        {
            return (null, CfResults.Fail(400, 81054, "A CNAME record with that host already exists."));
        }

        var id = keepId ?? SandboxFaults.HexId(zone.Id + "|" + type + "|" + fqdn + "|" + content);
        return (
            new CloudflareRecordState(
                id,
                zone.Id,
                zone.Name,
                type,
                fqdn,
                content,
                ttl,
                type == "MX" ? priority : null,
                proxied,
                body["comment"]?.GetValue<string>(),
                time.GetUtcNow()
            ),
            null
        );
    }

    private static JsonObject Merge(CloudflareRecordState current, JsonObject patch)
    {
        var merged = new JsonObject
        {
            ["type"] = current.Type,
            ["name"] = current.Name,
            ["content"] = current.Content,
            ["ttl"] = current.Ttl,
            ["priority"] = current.Priority,
            ["proxied"] = current.Proxied,
            ["comment"] = current.Comment,
        };
        foreach (var (key, value) in patch)
        {
            merged[key] = value?.DeepClone();
        }

        return merged;
    }

    private static string Fqdn(string name, string zone)
    {
        var n = name.Trim().TrimEnd('.').ToLowerInvariant();
        return n == "@" || n == zone ? zone
            : n.EndsWith("." + zone, StringComparison.Ordinal) ? n
            : n + "." + zone;
    }

    internal static object Wire(CloudflareRecordState r) =>
        new
        {
            id = r.Id,
            zone_id = r.ZoneId,
            zone_name = r.ZoneName,
            name = r.Name,
            type = r.Type,
            content = r.Content,
            proxiable = Proxiable.Contains(r.Type),
            proxied = r.Proxied,
            ttl = r.Ttl,
            priority = r.Priority,
            comment = r.Comment,
            tags = Array.Empty<string>(),
            meta = new { },
            created_on = r.CreatedOn.ToString("O", CultureInfo.InvariantCulture),
            modified_on = r.CreatedOn.ToString("O", CultureInfo.InvariantCulture),
        };
}
