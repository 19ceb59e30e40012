using System.Net.Mail;
using Peeker.Activities.Common;
using Peeker.Activities.Users;

namespace Peeker.Functions.PartnerApi;

/// <summary>Users (the partner's customers): <c>POST/GET /users</c>, <c>GET/PATCH/DELETE /users/{id}</c>.</summary>
public static class UserFunctions
{
    private static readonly string[] Statuses = ["active", "deleted"];
    private static readonly string[] Sequencers = ["smartlead"];

    /// <summary>Maps the endpoints.</summary>
    public static void Map(RouteGroupBuilder group)
    {
        group
            .MapPost("/users", CreateAsync)
            .Accepts<UserRequest>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status409Conflict)
            .WithSummary("Create a user");
        group.MapGet("/users", ListAsync).ProducesErrors(StatusCodes.Status400BadRequest).WithSummary("List users");
        group.MapGet("/users/{id}", GetAsync).ProducesErrors(StatusCodes.Status404NotFound).WithSummary("Retrieve a user");
        group
            .MapPatch("/users/{id}", UpdateAsync)
            .Accepts<UserRequest>("application/json")
            .ProducesErrors(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict)
            .WithSummary("Update a user's routing");
        group.MapDelete("/users/{id}", DeleteAsync).ProducesErrors(StatusCodes.Status404NotFound).WithSummary("Delete a user (soft)");
    }

    /// <summary>A valid, lower-cased email from <paramref name="field"/>, or null when absent.</summary>
    public static string? Email(JsonBody body, string field, bool required)
    {
        var raw = body.String(field, required, maxLength: 254);
        if (raw is null)
        {
            return null;
        }

        // Emails key the user index, so the characters a table key cannot hold (legal in RFC 5322 local parts) are refused.
        return
            MailAddress.TryCreate(raw.Trim(), out var address)
            && address.Address == raw.Trim()
            && address.Host.Contains('.', StringComparison.Ordinal)
            && TableKeys.IsSafe(address.Address)
            ? address.Address.ToLowerInvariant()
            : throw ApiException.Invalid(body.Path(field), $"{body.Path(field)} must be an email address.");
    }

    /// <summary>
    /// The user a list is filtered to: <paramref name="id"/>, or the id of the user with <paramref name="email"/> when it is
    /// given. <c>Exists</c> is false when no user has that email: no row can be theirs, the page is empty.
    /// </summary>
    public static async Task<(bool Exists, string? Id)> FilterAsync(
        PartnerContext caller,
        UserStore users,
        string? id,
        string? email,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(caller);
        ArgumentNullException.ThrowIfNull(users);
        if (email is null)
        {
            return (true, id);
        }

        var user = await users.GetByEmailAsync(caller.Env, caller.Partner.Id, email, cancellationToken);
        return (user is not null, user?.Id);
    }

    /// <summary>
    /// One page of a list filtered to a user (<paramref name="user"/>: an id, or an email resolved to its id):
    /// the paging is read first, <paramref name="list"/> gets the user's id (or null) and the page; no user with that
    /// email means an empty page (no row can be theirs) without reading the list.
    /// </summary>
    public static async Task<PartnerPage<TOut>> UserPageAsync<TRow, TOut>(
        PartnerContext caller,
        HttpRequest request,
        UserStore users,
        (string? Id, string? Email) user,
        Func<string?, PageRequest, Task<ResultPage<TRow>>> list,
        Func<TRow, TOut> map,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(list);
        var page = Paging.Read(request);
        var (exists, userId) = await FilterAsync(caller, users, user.Id, user.Email, cancellationToken);
        var rows = exists ? await list(userId, page) : new ResultPage<TRow>([], null);
        return Paging.Result(request, rows, page, map);
    }

    /// <summary>The <c>sequencer</c> routing object (<c>provider</c>, <c>client_id</c>).</summary>
    public static SequencerRouting? Routing(JsonBody body, bool required)
    {
        var sequencer = body.Object("sequencer", required);
        return sequencer is null
            ? null
            : new SequencerRouting(
                sequencer.Enum("provider", Sequencers, required: true)!,
                sequencer.Long("client_id", 1, long.MaxValue, required: true)
            );
    }

    private static async Task<PartnerCreated<User>> CreateAsync(
        PartnerContext caller,
        HttpRequest request,
        UserStore store,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var spec = new UserSpec(
            Email(body, "email", true)!,
            body.String("first_name", maxLength: 100),
            body.String("last_name", maxLength: 100),
            Routing(body, true)
        );
        var (user, created) = await store.CreateAsync(caller.Env, caller.Partner.Id, spec, cancellationToken);
        return created ? PartnerResults.Created(user) : throw EmailTaken(user.Id);
    }

    private static async Task<PartnerPage<User>> ListAsync(
        PartnerContext caller,
        HttpRequest request,
        UserStore store,
        CancellationToken cancellationToken
    )
    {
        var page = Paging.Read(request);
        var result = await store.ListAsync(
            caller.Env,
            caller.Partner.Id,
            Paging.Filter(request, "email"),
            Paging.Filter(request, "status", Statuses),
            page,
            cancellationToken
        );
        return Paging.Result(request, result, page, u => u);
    }

    private static async Task<PartnerOk<User>> GetAsync(
        PartnerContext caller,
        string id,
        UserStore store,
        CancellationToken cancellationToken
    )
    {
        return PartnerResults.Ok(
            await store.GetAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("user")
        );
    }

    private static async Task<PartnerOk<User>> UpdateAsync(
        PartnerContext caller,
        HttpRequest request,
        string id,
        UserStore store,
        CancellationToken cancellationToken
    )
    {
        var body = await JsonBody.ReadAsync(request);
        var email = Email(body, "email", false);
        var first = body.String("first_name", maxLength: 100);
        var last = body.String("last_name", maxLength: 100);
        var routing = Routing(body, false);
        var (user, conflict) = await store.UpdateAsync(
            caller.Env,
            caller.Partner.Id,
            id,
            spec => new UserSpec(
                email ?? spec.Email,
                body.Has("first_name") ? first : spec.FirstName,
                body.Has("last_name") ? last : spec.LastName,
                routing ?? spec.Sequencer
            ),
            cancellationToken
        );
        if (conflict)
        {
            throw EmailTaken(null);
        }

        return PartnerResults.Ok(user ?? throw ApiException.NotFound("user"));
    }

    private static async Task<PartnerOk<User>> DeleteAsync(
        PartnerContext caller,
        string id,
        UserStore store,
        CancellationToken cancellationToken
    )
    {
        return PartnerResults.Ok(
            await store.DeleteAsync(caller.Env, caller.Partner.Id, id, cancellationToken) ?? throw ApiException.NotFound("user")
        );
    }

    private static ApiException EmailTaken(string? userId) =>
        new(
            409,
            ErrorCodes.InvalidRequest,
            userId is null
                ? "Another user in this account has that email, or the user changed at the same moment (retry)."
                : "Another user in this account has that email.",
            "email",
            userId is null ? null : new Dictionary<string, object?> { ["user_id"] = userId }
        );
}

/// <summary>The documented request fields of a user.</summary>
public sealed record UserRequest(string? Email, string? FirstName, string? LastName, SequencerRouting? Sequencer);
