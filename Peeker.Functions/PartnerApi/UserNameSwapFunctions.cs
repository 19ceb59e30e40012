using Peeker.Activities.Swaps;

namespace Peeker.Functions.PartnerApi;

/// <summary>User-name swaps (spec sections 3.5 and 8.4): rename the inboxes of a connected domain.</summary>
public static class UserNameSwapFunctions
{
    /// <summary>The body of <c>POST /swaps/user_names</c>, for the OpenAPI document.</summary>
    public sealed record UserNameSwapBody(string DomainId, IReadOnlyList<PersonaBody> Personas);

    /// <summary>A persona of the body (the older <c>users</c> list takes the same shape).</summary>
    public sealed record PersonaBody(string FirstName, string LastName, string? ProfilePictureUrl);

    /// <summary>The rows created: one per inbox of the domain.</summary>
    public sealed record UserNameSwapRows(IReadOnlyList<SwapView> Swaps);

    /// <summary>Maps the endpoint.</summary>
    public static void Map(RouteGroupBuilder group) =>
        group
            .MapPost("/swaps/user_names", CreateAsync)
            .Accepts<UserNameSwapBody>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Rename a domain's inboxes (one swap row per inbox)");

    private static async Task<PartnerCreated<UserNameSwapRows>> CreateAsync(
        PartnerContext caller,
        HttpRequest request,
        UserNameSwapPlacement placement,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var domainId = body.String("domain_id", required: true, maxLength: 100)!;
        var personas = OrderBody.Personas(body)!;
        var rows = await placement.PlaceAsync(caller.Scope, new UserNameSwapRequest(domainId, personas), cancellationToken);
        return PartnerResults.Created(new UserNameSwapRows([.. rows.Select(SwapView.Of)]));
    }
}
