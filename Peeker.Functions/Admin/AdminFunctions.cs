using Peeker.Activities.ApiKeys;
using Peeker.Activities.Common;
using Peeker.Activities.Partners;
using Peeker.Functions.PartnerApi;

namespace Peeker.Functions.Admin;

/// <summary>A new partner with its first two full-preset keys (shown once) and its plan tier.</summary>
public sealed record CreatedPartner(string Id, string Name, PartnerKeys ApiKeys, string PlanTier);

/// <summary>A partner as the admin API shows it.</summary>
public sealed record PartnerView(string Id, string Name, string PlanTier, DateTimeOffset CreatedAt);

/// <summary>The plain-text keys of a new partner.</summary>
public sealed record PartnerKeys(string Test, string Live);

/// <summary>A new key, shown once.</summary>
public sealed record CreatedKey(string Id, string Key, string Environment, string PermissionPreset, string Label, string PartnerId);

/// <summary>
/// What the spec's partner portal does, for operators: <c>/admin/v1</c>, authenticated with
/// <c>Authorization: Bearer {Peeker:AdminKey}</c> (<see cref="AdminKeyFilter"/>).
/// </summary>
public static class AdminFunctions
{
    private static readonly string[] Environments = ["test", "live"];
    private static readonly string[] Presets = ["full", "limited", "read"];

    /// <summary>Maps the admin endpoints.</summary>
    public static void MapAdmin(this IEndpointRouteBuilder routes)
    {
        var group = routes.MapGroup("/admin/v1").RequireAdminKey().AddEndpointFilter(WaitReadyAsync).ExcludeFromDescription();
        group.MapPost("/partners", CreatePartnerAsync);
        group.MapGet("/partners/{id}", GetPartnerAsync);
        group.MapPatch("/partners/{id}", UpdatePartnerAsync);
        group.MapPost("/partners/{id}/api_keys", CreateKeyAsync);
        group.MapDelete("/api_keys/{keyId}", RevokeAsync);
        AdminWebhookFunctions.Map(group);
    }

    private static async Task<PartnerCreated<CreatedPartner>> CreatePartnerAsync(HttpContext http, PartnerStore partners, ApiKeyStore keys)
    {
        var body = await JsonBody.ReadAsync(http.Request);
        var name = body.String("name", required: true, maxLength: 200)!.Trim();
        var tier = body.Enum("plan_tier", PlanTiers.All) ?? PlanTiers.Base;
        var partner = await partners.CreateAsync(name, http.RequestAborted, planTier: tier);
        var (_, test) = await keys.CreateAsync(partner.Id, PeekerEnvironment.Test, PermissionPreset.Full, "default", http.RequestAborted);
        var (_, live) = await keys.CreateAsync(partner.Id, PeekerEnvironment.Live, PermissionPreset.Full, "default", http.RequestAborted);
        return PartnerResults.Created(new CreatedPartner(partner.Id, partner.Name, new PartnerKeys(test, live), partner.PlanTier));
    }

    private static async Task<PartnerOk<PartnerView>> GetPartnerAsync(HttpContext http, string id, PartnerStore partners)
    {
        var partner = await partners.GetAsync(id, http.RequestAborted) ?? throw ApiException.NotFound("partner");
        return PartnerResults.Ok(new PartnerView(partner.Id, partner.Name, partner.PlanTier, partner.CreatedAt));
    }

    /// <summary><c>{"plan_tier": "base|premium|vip|vip_plus"}</c>: sets the tier the premium-swap quota follows.</summary>
    private static async Task<PartnerOk<PartnerView>> UpdatePartnerAsync(HttpContext http, string id, PartnerStore partners)
    {
        var body = await JsonBody.ReadAsync(http.Request);
        var tier = body.Enum("plan_tier", PlanTiers.All, required: true)!;
        var partner = await partners.SetPlanTierAsync(id, tier, http.RequestAborted) ?? throw ApiException.NotFound("partner");
        return PartnerResults.Ok(new PartnerView(partner.Id, partner.Name, partner.PlanTier, partner.CreatedAt));
    }

    private static async Task<PartnerCreated<CreatedKey>> CreateKeyAsync(
        HttpContext http,
        string id,
        PartnerStore partners,
        ApiKeyStore keys
    )
    {
        var body = await JsonBody.ReadAsync(http.Request);
        var environment = body.Enum("environment", Environments, required: true)!;
        var preset = body.Enum("permission_preset", Presets) ?? "full";
        var label = body.String("label", maxLength: 100) ?? "";
        _ = await partners.GetAsync(id, http.RequestAborted) ?? throw ApiException.NotFound("partner");
        var (key, secret) = await keys.CreateAsync(
            id,
            environment == "live" ? PeekerEnvironment.Live : PeekerEnvironment.Test,
            Enum.Parse<PermissionPreset>(preset, ignoreCase: true),
            label,
            http.RequestAborted
        );
        return PartnerResults.Created(new CreatedKey(key.Id, secret, environment, preset, label, id));
    }

    private static async Task<PartnerOk<DeletedResource>> RevokeAsync(HttpContext http, string keyId, ApiKeyStore keys) =>
        await keys.RevokeAsync(keyId, http.RequestAborted)
            ? PartnerResults.Ok(new DeletedResource(keyId, "revoked"))
            : throw ApiException.NotFound("API key");

    private static async ValueTask<object?> WaitReadyAsync(EndpointFilterInvocationContext invocation, EndpointFilterDelegate next)
    {
        var http = invocation.HttpContext;
        await http.RequestServices.GetRequiredService<PartnerApiStartup>().WaitReadyAsync(http.RequestAborted);
        return await next(invocation);
    }
}
