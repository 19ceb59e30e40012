using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Users;

namespace Peeker.Functions.PartnerApi;

/// <summary><c>POST /domains/availability</c>, <c>GET /domains</c> and the forwarding jobs (<c>POST /domains/forwarding</c>, <c>GET /domains/forwarding/{id}</c>).</summary>
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
        group.MapPost("/domains/forwarding", ForwardAsync).Accepts<ForwardingRequest>("application/json")
            .Produces<DataEnvelope<ForwardingJob>>(StatusCodes.Status202Accepted).WithSummary("Set domain forwarding");
        group.MapGet("/domains/forwarding/{id}", GetForwardingJobAsync).Produces<DataEnvelope<ForwardingJob>>().WithSummary("Retrieve a forwarding job");
    }

    private static async Task<IResult> ForwardAsync(HttpContext http, ForwardingJobs jobs)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http);
        var refs = body.Array("domains", 1, ForwardingJobs.MaxDomains, required: true)!.Select(i => i.Item.ValueKind == System.Text.Json.JsonValueKind.String
            && !string.IsNullOrWhiteSpace(i.Item.GetString())
            ? i.Item.GetString()!
            : throw ApiException.Invalid(i.Path, $"{i.Path} must be a domain id or name.")).ToList();
        var url = body.String("forwarding_url", required: true, maxLength: 2048)!;
        var job = await jobs.CreateAsync(caller.Scope, refs, url, http.RequestAborted);
        return PartnerResults.Accepted(job);
    }

    private static async Task<IResult> GetForwardingJobAsync(HttpContext http, string id, ForwardingJobStore store)
    {
        var caller = PartnerContext.From(http);
        var job = await store.GetAsync(caller.Env, caller.Partner.Id, id, http.RequestAborted) ?? throw ApiException.NotFound("forwarding job");
        return PartnerResults.Ok(job);
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

/// <summary><c>{"domains": [...], "forwarding_url": "https://…"}</c>: up to 25 domain ids or names.</summary>
public sealed record ForwardingRequest(IReadOnlyList<string> Domains, string ForwardingUrl);

/// <summary>One row per submitted name, in input order.</summary>
public sealed record AvailabilityResponse(IReadOnlyList<AvailabilityRow> Domains);
