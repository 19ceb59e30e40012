using Peeker.Activities.Common;
using Peeker.Activities.Swaps;

namespace Peeker.Functions.PartnerApi;

/// <summary>Swaps (spec section 3.5): list and retrieve rows of domain swaps and user-name swaps.</summary>
public static class SwapFunctions
{
    private static readonly string[] DomainSwapTypes = [SwapType.Standard, SwapType.Premium];

    /// <summary>The error codes of <c>POST /swaps</c>, as the OpenAPI document lists them.</summary>
    public const string CreateErrors =
        "Errors (each with details where noted): 400 invalid_request (field: type, domain_id, replacement_domain, personas[…]); "
        + "400 domain_unavailable (replacement_domain neither sold by the registrar nor imported; details.domains[].reason); "
        + "400 premium_swap_microsoft_only (premium on a Google domain; details.provider); 403 forbidden (a limited or read key); "
        + "404 not_found (domain_id not a domain of this account); "
        + "409 domain_not_swappable (the domain is not connected and active on a completed order; details.status, details.order_status); "
        + "409 domain_swap_in_progress (another swap of the domain runs; details.swap_id); "
        + "409 domain_already_in_active_order / domain_in_use (the replacement is on an order, or held by another account; details.domains); "
        + "409 premium_swap_limit (details.limit = quota: plan_tier, percent, active_microsoft_inboxes, quota_inboxes, in_use_inboxes, requested_inboxes, frees_at; "
        + "or cooldown: swap_id, frees_at). A refused request stores nothing.";

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group
            .MapPost("/swaps", CreateAsync)
            .Accepts<SwapRequestBody>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Swap a connected domain for a replacement (standard or premium)")
            .WithDescription(CreateErrors);
        group
            .MapGet("/swaps", ListAsync)
            .ProducesErrors(StatusCodes.Status400BadRequest)
            .WithSummary("List swaps (domain swaps and user-name swap rows)");
        group.MapGet("/swaps/{id}", GetAsync).ProducesErrors(StatusCodes.Status404NotFound).WithSummary("Retrieve a swap");
    }

    private static async Task<PartnerCreated<SwapView>> CreateAsync(
        PartnerContext caller,
        HttpRequest request,
        SwapPlacement placement,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var type = body.Enum("type", DomainSwapTypes, required: true)!;
        var domainId = body.String("domain_id", required: true, maxLength: 100)!;
        var replacement = body.String("replacement_domain", required: true, maxLength: 300)!;
        var personas = OrderBody.Personas(body, required: false);
        var swap = await placement.PlaceAsync(caller.Scope, new SwapRequest(type, domainId, replacement, personas), cancellationToken);
        return PartnerResults.Created(SwapView.Of(swap));
    }

    private static async Task<PartnerPage<SwapView>> ListAsync(
        PartnerContext caller,
        HttpRequest request,
        SwapStore store,
        CancellationToken cancellationToken
    )
    {
        var page = Paging.Read(request);
        var filter = new SwapFilter(
            Paging.Filter(request, "user_id"),
            Paging.Filter(request, "order_id"),
            Paging.Filter(request, "domain_id"),
            Paging.Filter(request, "status", SwapStatus.All)
        );
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, filter, page, cancellationToken);
        return Paging.Result(request, result, page, SwapView.Of);
    }

    private static async Task<PartnerOk<SwapView>> GetAsync(
        PartnerContext caller,
        string id,
        SwapStore store,
        CancellationToken cancellationToken
    )
    {
        var swap = await store.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("swap");
        return PartnerResults.Ok(SwapView.Of(swap));
    }
}

/// <summary>
/// <c>POST /swaps</c>: <c>type</c> (<c>standard</c>|<c>premium</c>), the <c>dom_…</c> to retire, the replacement's name and,
/// optionally, personas for the new inboxes (<c>personas</c>, or the older <c>users</c>; default: the order's).
/// </summary>
public sealed record SwapRequestBody(
    string Type,
    string DomainId,
    string ReplacementDomain,
    IReadOnlyList<Peeker.Activities.Orders.Persona>? Personas
);
