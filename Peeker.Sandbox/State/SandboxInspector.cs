using System.Text.Json;

namespace Peeker.Sandbox.State;

/// <summary>
/// Read-back for tests and partners: everything the simulators saw for one sandbox partner (purchases, zones,
/// records, users, licences, Smartlead accounts…), grouped by kind. Served at <c>GET /sandbox/_inspect/{partnerId}</c>.
/// </summary>
public sealed class SandboxInspector(SandboxStore store, SandboxRateLimits limits)
{
    /// <summary>
    /// Everything kept for the partner, plus <see cref="SandboxKinds.RateLimited"/>: the calls this process's simulators
    /// refused because the partner went over a provider's documented rate (not the <c>ratelimited</c> fault word).
    /// </summary>
    public async Task<IReadOnlyDictionary<string, List<JsonElement>>> ReadAsync(
        string partnerId,
        CancellationToken cancellationToken = default
    )
    {
        var all = new Dictionary<string, List<JsonElement>>(await store.DumpAsync(partnerId, cancellationToken), StringComparer.Ordinal);
        var refused = limits.RefusedFor(partnerId);
        if (refused.Count > 0)
        {
            all[SandboxKinds.RateLimited] =
            [
                .. refused.Select(r => JsonSerializer.SerializeToElement(new { provider = r.Key, refused = r.Value })),
            ];
        }

        return all;
    }

    /// <summary>The rows of one kind (see <see cref="SandboxKinds"/>).</summary>
    public async Task<IReadOnlyList<JsonElement>> ReadAsync(string partnerId, string kind, CancellationToken cancellationToken = default)
    {
        var all = await store.DumpAsync(partnerId, cancellationToken);
        return all.TryGetValue(kind, out var rows) ? rows : [];
    }
}

/// <summary>The kinds of state the simulators keep (the inspector's keys).</summary>
public static class SandboxKinds
{
    public const string RegistrarDomain = "registrar.domain";
    public const string RegistrarPurchase = "registrar.purchase";
    public const string CloudflareZone = "cloudflare.zone";
    public const string CloudflareRecord = "cloudflare.record";
    public const string CloudflareRuleset = "cloudflare.ruleset";
    public const string GoogleCustomer = "google.customer";
    public const string GoogleSubscription = "google.subscription";
    public const string GoogleToken = "google.token";
    public const string GoogleVerified = "google.verified";
    public const string GoogleUser = "google.user";
    public const string MicrosoftCustomer = "microsoft.customer";
    public const string MicrosoftCart = "microsoft.cart";
    public const string MicrosoftOrder = "microsoft.order";
    public const string MicrosoftLicense = "microsoft.license";
    public const string MicrosoftDomain = "microsoft.domain";
    public const string MicrosoftUser = "microsoft.user";
    public const string SmartleadAccount = "smartlead.account";
    public const string SmartleadClient = "smartlead.client";

    /// <summary>Nameservers a customer set at its own registrar for an imported domain (see <c>_customer</c> in the sandbox docs).</summary>
    public const string CustomerNameservers = "customer.nameservers";

    /// <summary>Not state: the calls refused over a provider's rate limit (see <see cref="SandboxInspector.ReadAsync(string, CancellationToken)"/>).</summary>
    public const string RateLimited = "sandbox.rate_limited";
}
