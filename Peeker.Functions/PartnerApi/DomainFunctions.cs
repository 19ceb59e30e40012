using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Users;

namespace Peeker.Functions.PartnerApi;

/// <summary><c>POST /domains/availability</c> and <c>GET /domains</c>.</summary>
public static class DomainFunctions
{
    /// <summary>Most names per availability call.</summary>
    public const int MaxAvailabilityNames = 50;

    private static readonly string[] Categories = ["inventory", "connected"];
    private static readonly string[] Providers = ["google", "microsoft"];
    private static readonly string[] Statuses = ["available", "provisioning", "active", "action_required", "failed", "cancel_scheduled", "cancelled"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapPost("/domains/availability", CheckAsync).WithMetadata(new AllowLimitedKeysAttribute())
            .Accepts<AvailabilityRequest>("application/json").Produces<DataEnvelope<AvailabilityResponse>>().WithSummary("Check domain availability");
        group.MapGet("/domains", ListAsync).Produces<ListEnvelope<DomainRecord>>().WithSummary("List domains");
    }

    private static async Task<IResult> CheckAsync(HttpContext http, DomainAvailabilityService availability)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http);
        var items = body.Array("domains", 1, MaxAvailabilityNames, required: true)!;
        var names = items.Select(i => i.Item.ValueKind == System.Text.Json.JsonValueKind.String
            ? i.Item.GetString()!
            : throw ApiException.Invalid(i.Path, $"{i.Path} must be a string.")).ToList();
        var rows = await availability.CheckAsync(caller.Scope, names, http.RequestAborted);
        return PartnerResults.Ok(new AvailabilityResponse(rows));
    }

    private static async Task<IResult> ListAsync(HttpContext http, DomainStore store, UserStore users)
    {
        var caller = PartnerContext.From(http);
        var page = Paging.Read(http.Request);
        var userId = Paging.Filter(http.Request, "user_id");
        if (Paging.Filter(http.Request, "user_email") is { } email)
        {
            var user = await users.GetByEmailAsync(caller.Env, caller.Partner.Id, email, http.RequestAborted);
            userId = user?.Id ?? "usr_none";
        }

        var filter = new DomainFilter(Paging.Filter(http.Request, "category", Categories), userId,
            Paging.Filter(http.Request, "usable_for", Providers), Paging.Filter(http.Request, "status", Statuses));
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, filter, page, http.RequestAborted);
        return Paging.Result(http.Request, result, page, d => d);
    }
}

/// <summary><c>{"domains": [...]}</c>: up to 50 names.</summary>
public sealed record AvailabilityRequest(IReadOnlyList<string> Domains);

/// <summary>One row per submitted name, in input order.</summary>
public sealed record AvailabilityResponse(IReadOnlyList<AvailabilityRow> Domains);
