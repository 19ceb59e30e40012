using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Cloudflare;

/// <summary>Zone ruleset phase entrypoints (Single Redirects: phase <c>http_request_dynamic_redirect</c>).</summary>
internal static class CloudflareRulesets
{
    public const string RedirectPhase = "http_request_dynamic_redirect";

    public static async Task<IResult> PutAsync(
        HttpContext http,
        SandboxStore store,
        TimeProvider time,
        string zoneId,
        string phase,
        CancellationToken ct
    )
    {
        var partner = CloudflareSimulator.Partner(http);
        if (await store.GetAsync<CloudflareZoneState>(partner, SandboxKinds.CloudflareZone, zoneId, ct) is null)
        {
            return CfResults.NotFound(http.Request.Path);
        }

        if (phase != RedirectPhase)
        {
            return CfResults.Fail(400, 20217, $"Phase {phase} is not supported by the sandbox.");
        }

        var rules = (await CfResults.BodyAsync(http.Request, ct))?["rules"] as JsonArray ?? [];
        foreach (var rule in rules.OfType<JsonObject>())
        {
            var target = rule["action_parameters"]?["from_value"]?["target_url"]?["value"]?.GetValue<string>();
            var status = rule["action_parameters"]?["from_value"]?["status_code"]?.GetValue<int>() ?? 301;
            if (
                rule["action"]?.GetValue<string>() != "redirect"
                || string.IsNullOrEmpty(rule["expression"]?.GetValue<string>())
                || !Uri.TryCreate(target, UriKind.Absolute, out _)
                || status is not (301 or 302 or 307 or 308)
            )
            {
                return CfResults.Fail(
                    400,
                    20021,
                    "Invalid redirect rule: action, expression, target_url.value and status_code 301/302/307/308 are required."
                );
            }

            rule["id"] ??= SandboxFaults.HexId(zoneId + "|" + rule["expression"]!.GetValue<string>());
        }

        var key = zoneId + "|" + phase;
        var previous = await store.GetAsync<CloudflareRulesetState>(partner, SandboxKinds.CloudflareRuleset, key, ct);
        var state = new CloudflareRulesetState(
            SandboxFaults.HexId(key),
            zoneId,
            phase,
            (previous?.Version ?? 0) + 1,
            rules.ToJsonString(),
            time.GetUtcNow()
        );
        await store.UpsertAsync(partner, SandboxKinds.CloudflareRuleset, key, state, ct);
        return CfResults.Ok(Wire(state));
    }

    public static async Task<IResult> GetAsync(HttpContext http, SandboxStore store, string zoneId, string phase, CancellationToken ct)
    {
        var state = await store.GetAsync<CloudflareRulesetState>(
            CloudflareSimulator.Partner(http),
            SandboxKinds.CloudflareRuleset,
            zoneId + "|" + phase,
            ct
        );
        return state is null
            ? CfResults.Fail(404, 10003, "Could not find entrypoint ruleset in the " + phase + " phase")
            : CfResults.Ok(Wire(state));
    }

    private static object Wire(CloudflareRulesetState s) =>
        new
        {
            id = s.Id,
            name = "default",
            kind = "zone",
            phase = s.Phase,
            version = s.Version.ToString(CultureInfo.InvariantCulture),
            last_updated = s.LastUpdated.ToString("O", CultureInfo.InvariantCulture),
            rules = JsonSerializer.Deserialize<JsonElement>(s.RulesJson),
        };
}
