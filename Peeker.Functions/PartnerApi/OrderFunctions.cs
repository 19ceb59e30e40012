using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Users;

namespace Peeker.Functions.PartnerApi;

/// <summary>Orders: create, list, retrieve, pending actions, cancel, retry a failed order.</summary>
public static class OrderFunctions
{
    private static readonly string[] ActionStatuses = ["open", "resolved"];
    private static readonly string[] Scopes = ["order"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group
            .MapPost("/orders", CreateAsync)
            .Accepts<OrderRequest>("application/json")
            .Produces<DataEnvelope<OrderReceipt>>()
            .WithSummary("Create an order (and user)");
        group.MapGet("/orders", ListAsync).Produces<ListEnvelope<OrderReceipt>>().WithSummary("List orders");
        group.MapGet("/orders/pending", PendingAsync).Produces<ListEnvelope<PendingAction>>().WithSummary("List pending order actions");
        group
            .MapPost("/orders/pending/{id}/resolve", ResolveAsync)
            .Accepts<ResolveActionRequest>("application/json")
            .Produces<DataEnvelope<PendingAction>>(StatusCodes.Status202Accepted)
            .WithSummary(
                "Supply the fix for a pending action (a reachable profile_picture_url); Peeker retries the blocked step and the row becomes resolved"
            );
        group.MapGet("/orders/{id}", GetAsync).Produces<DataEnvelope<OrderView>>().WithSummary("Retrieve an order");
        group
            .MapPost("/orders/{id}/cancel", CancelAsync)
            .Accepts<CancelRequest>("application/json")
            .Produces<DataEnvelope<CancelResponse>>()
            .WithSummary("Cancel an order or some of its domains (a failed order at once)");
        group
            .MapPost("/orders/{id}/retry", RetryAsync)
            .Produces<DataEnvelope<OrderReceipt>>()
            .WithSummary(
                "Retry a failed order: provisioning resumes, nothing already bought is bought again (409 order_not_failed otherwise)"
            );
    }

    private static async Task<IResult> CreateAsync(HttpContext http, OrderPlacement placement)
    {
        var caller = PartnerContext.From(http);
        var request = OrderBody.Parse(await JsonBody.ReadAsync(http), caller.Key.Id);
        // RequestAborted only cuts the validation reads short: PlaceAsync ignores it from its first write on.
        var result = await placement.PlaceAsync(caller.Scope, request, http.RequestAborted);
        return PartnerResults.Ok(OrderReceipt.Of(result.Order));
    }

    private static async Task<IResult> ListAsync(HttpContext http, OrderStore store, UserStore users)
    {
        var caller = PartnerContext.From(http);
        var page = Paging.Read(http.Request);
        var userId = Paging.Filter(http.Request, "user_id");
        if (Paging.Filter(http.Request, "user_email") is { } email)
        {
            userId = (await users.GetByEmailAsync(caller.Env, caller.Partner.Id, email, http.RequestAborted))?.Id;
            if (userId is null)
            {
                return Paging.Result(http.Request, new ResultPage<Order>([], null), page, OrderReceipt.Of); // No such user: no order is theirs.
            }
        }

        var filter = new OrderFilter(
            userId,
            Paging.Filter(http.Request, "bundle_id"),
            Paging.Filter(http.Request, "status", OrderStatus.All)
        );
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, filter, page, http.RequestAborted);
        return Paging.Result(http.Request, result, page, OrderReceipt.Of);
    }

    private static async Task<IResult> GetAsync(HttpContext http, string id, OrderStore store)
    {
        var caller = PartnerContext.From(http);
        var order = await store.GetAsync(caller.Env, caller.Partner.Id, id, http.RequestAborted) ?? throw ApiException.NotFound("order");
        return PartnerResults.Ok(OrderView.Of(order));
    }

    private static async Task<IResult> PendingAsync(HttpContext http, PendingActionStore store, UserStore users)
    {
        var caller = PartnerContext.From(http);
        var page = Paging.Read(http.Request);
        var user = Paging.Filter(http.Request, "user");
        if (user is not null && !user.StartsWith("usr_", StringComparison.Ordinal))
        {
            user = (await users.GetByEmailAsync(caller.Env, caller.Partner.Id, user, http.RequestAborted))?.Id;
            if (user is null)
            {
                return Paging.Result(http.Request, new ResultPage<PendingAction>([], null), page, a => a); // No such user: no action is theirs.
            }
        }

        var filter = new PendingActionFilter(
            Paging.Filter(http.Request, "order_id"),
            user,
            Paging.Filter(http.Request, "domain_id"),
            Paging.Filter(http.Request, "status", ActionStatuses) ?? "open"
        );
        var result = await store.ListAsync(caller.Env, caller.Partner.Id, filter, page, http.RequestAborted);
        return Paging.Result(http.Request, result, page, a => a);
    }

    private static async Task<IResult> ResolveAsync(HttpContext http, string id, PendingActionResolution resolution)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http);
        var url = body.String("profile_picture_url", required: true, maxLength: 2000)!;
        // The picture is fetched over https only, like at provisioning: anything else could never resolve the action.
        if (
            !Uri.TryCreate(url, UriKind.Absolute, out var uri)
            || uri.Scheme != Uri.UriSchemeHttps
            || uri.Host.Length == 0
            || uri.UserInfo.Length > 0
        )
        {
            throw ApiException.Invalid("profile_picture_url", "profile_picture_url must be a public https:// URL of an image.");
        }

        var action = await resolution.ResolveAsync(caller.Scope, id, url, http.RequestAborted);
        return PartnerResults.Accepted(action);
    }

    private static async Task<IResult> CancelAsync(HttpContext http, string id, OrderCancellation cancellation)
    {
        var caller = PartnerContext.From(http);
        var body = await JsonBody.ReadAsync(http, optional: true);
        body.Enum("scope", Scopes);
        var domains = body.Strings("domains", 1, 500, "a domain id or name", allowBlank: true);
        var receipt = await cancellation.CancelAsync(caller.Scope, id, domains, http.RequestAborted);
        return PartnerResults.Ok(
            new CancelResponse(
                receipt.OrderId,
                OrderStatus.CancelScheduled,
                receipt.ScheduledAt,
                receipt.CancelsAt,
                receipt.Domains.Select(d => new CancelledDomain(d.Id, d.Domain)).ToList()
            )
        );
    }

    private static async Task<IResult> RetryAsync(HttpContext http, string id, OrderRetry retry)
    {
        var caller = PartnerContext.From(http);
        var order = await retry.RetryAsync(caller.Scope, id, http.RequestAborted);
        return PartnerResults.Ok(OrderReceipt.Of(order));
    }
}
