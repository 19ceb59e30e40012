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
        const int BadRequest = StatusCodes.Status400BadRequest;
        const int NotFound = StatusCodes.Status404NotFound;
        const int Conflict = StatusCodes.Status409Conflict;
        group
            .MapPost("/orders", CreateAsync)
            .Accepts<OrderRequest>("application/json")
            .ProducesErrors(BadRequest, NotFound, Conflict)
            .WithSummary("Create an order (and user)");
        group.MapGet("/orders", ListAsync).ProducesErrors(BadRequest).WithSummary("List orders");
        group.MapGet("/orders/pending", PendingAsync).ProducesErrors(BadRequest).WithSummary("List pending order actions");
        group
            .MapPost("/orders/pending/{id}/resolve", ResolveAsync)
            .Accepts<ResolveActionRequest>("application/json")
            .ProducesErrors(BadRequest, NotFound, Conflict)
            .WithSummary(
                "Supply the fix for a pending action (a reachable profile_picture_url); Peeker retries the blocked step and the row becomes resolved"
            );
        group.MapGet("/orders/{id}", GetAsync).ProducesErrors(NotFound).WithSummary("Retrieve an order");
        group
            .MapPost("/orders/{id}/cancel", CancelAsync)
            .Accepts<CancelRequest>("application/json")
            .ProducesErrors(BadRequest, NotFound, Conflict)
            .WithSummary("Cancel an order or some of its domains (a failed order at once)");
        group
            .MapPost("/orders/{id}/retry", RetryAsync)
            .ProducesErrors(NotFound, Conflict)
            .WithSummary(
                "Retry a failed order: provisioning resumes, nothing already bought is bought again (409 order_not_failed otherwise)"
            );
    }

    private static async Task<PartnerOk<OrderReceipt>> CreateAsync(
        PartnerContext caller,
        HttpRequest request,
        OrderPlacement placement,
        CancellationToken cancellationToken
    )
    {
        var order = OrderBody.Parse(await JsonBody.ReadAsync(request), caller.Key.Id);
        // The request's token only cuts the validation reads short: PlaceAsync ignores it from its first write on.
        var result = await placement.PlaceAsync(caller.Scope, order, cancellationToken);
        return PartnerResults.Ok(OrderReceipt.Of(result.Order));
    }

    private static async Task<PartnerPage<OrderReceipt>> ListAsync(
        PartnerContext caller,
        HttpRequest request,
        OrderStore store,
        UserStore users,
        CancellationToken cancellationToken
    )
    {
        var user = (Paging.Filter(request, "user_id"), Paging.Filter(request, "user_email"));
        var filter = new OrderFilter(null, Paging.Filter(request, "bundle_id"), Paging.Filter(request, "status", OrderStatus.All));
        return await UserFunctions.UserPageAsync(
            caller,
            request,
            users,
            user,
            (userId, page) => store.ListAsync(caller.Env, caller.Partner.Id, filter with { UserId = userId }, page, cancellationToken),
            OrderReceipt.Of,
            cancellationToken
        );
    }

    private static async Task<PartnerOk<OrderView>> GetAsync(
        PartnerContext caller,
        string id,
        OrderStore store,
        CancellationToken cancellationToken
    )
    {
        var order = await store.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("order");
        return PartnerResults.Ok(OrderView.Of(order));
    }

    private static async Task<PartnerPage<PendingAction>> PendingAsync(
        PartnerContext caller,
        HttpRequest request,
        PendingActionStore store,
        UserStore users,
        CancellationToken cancellationToken
    )
    {
        var user = Paging.Filter(request, "user"); // A usr_ id or an email.
        var isEmail = user is not null && !user.StartsWith("usr_", StringComparison.Ordinal);
        var filter = new PendingActionFilter(
            Paging.Filter(request, "order_id"),
            null,
            Paging.Filter(request, "domain_id"),
            Paging.Filter(request, "status", ActionStatuses) ?? "open"
        );
        return await UserFunctions.UserPageAsync(
            caller,
            request,
            users,
            (isEmail ? null : user, isEmail ? user : null),
            (userId, page) => store.ListAsync(caller.Env, caller.Partner.Id, filter with { UserId = userId }, page, cancellationToken),
            a => a,
            cancellationToken
        );
    }

    private static async Task<PartnerAccepted<PendingAction>> ResolveAsync(
        PartnerContext caller,
        HttpRequest request,
        string id,
        PendingActionResolution resolution,
        CancellationToken cancellationToken
    )
    {
        // A domain-level action (nameservers reverted) takes no body: the call asks for an immediate re-check.
        var body = await JsonBody.ReadAsync(request, optional: true);
        var url = body.String("profile_picture_url", maxLength: 2000);
        // The picture is fetched over https only, like at provisioning: anything else could never resolve the action.
        if (
            url is not null
            && (
                !Uri.TryCreate(url, UriKind.Absolute, out var uri)
                || uri.Scheme != Uri.UriSchemeHttps
                || uri.Host.Length == 0
                || uri.UserInfo.Length > 0
            )
        )
        {
            throw ApiException.Invalid("profile_picture_url", "profile_picture_url must be a public https:// URL of an image.");
        }

        var action = await resolution.ResolveAsync(caller.Scope, id, url, cancellationToken);
        return PartnerResults.Accepted(action);
    }

    private static async Task<PartnerOk<CancelResponse>> CancelAsync(
        PartnerContext caller,
        HttpRequest request,
        string id,
        OrderCancellation cancellation,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request, optional: true);
        body.Enum("scope", Scopes);
        var domains = body.Strings("domains", 1, 500, "a domain id or name", allowBlank: true);
        var receipt = await cancellation.CancelAsync(caller.Scope, id, domains, cancellationToken);
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

    private static async Task<PartnerOk<OrderReceipt>> RetryAsync(
        PartnerContext caller,
        string id,
        OrderRetry retry,
        CancellationToken cancellationToken
    )
    {
        var order = await retry.RetryAsync(caller.Scope, id, cancellationToken);
        return PartnerResults.Ok(OrderReceipt.Of(order));
    }
}
