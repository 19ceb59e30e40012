using Peeker.Activities.Common;
using Peeker.Activities.Swaps;

namespace Peeker.Functions.PartnerApi;

/// <summary>Swaps (spec section 3.5): list and retrieve rows of domain swaps and user-name swaps.</summary>
public static class SwapFunctions
{
    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group.MapGet("/swaps", ListAsync).Produces<ListEnvelope<SwapView>>().WithSummary("List swaps (domain swaps and user-name swap rows)");
        group.MapGet("/swaps/{id}", GetAsync).Produces<DataEnvelope<SwapView>>().WithSummary("Retrieve a swap");
    }

    private static async Task<IResult> ListAsync(HttpContext http, SwapStore store)
    {
        var caller = PartnerContext.From(http);
        var page = Paging.Read(http.Request);
        var filter = new SwapFilter(Paging.Filter(http.Request, "user_id"), Paging.Filter(http.Request, "order_id"),
            Paging.Filter(http.Request, "domain_id"), Paging.Filter(http.Request, "status", SwapStatus.All));
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, filter, page, http.RequestAborted);
        return Paging.Result(http.Request, result, page, SwapView.Of);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, SwapStore store)
    {
        var caller = PartnerContext.From(http);
        var swap = await store.GetAsync(caller.Env, caller.Partner.Id, id, http.RequestAborted) ?? throw ApiException.NotFound("swap");
        return PartnerResults.Ok(SwapView.Of(swap));
    }
}
