using System.Globalization;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Google;

/// <summary>Directory API users: verified domain, seats counted, 409 duplicates, aliases and photos (<c>badpic</c> fault).</summary>
internal static class GoogleDirectory
{
    public static async Task<IResult> CreateUserAsync(HttpContext http, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var email = body?["primaryEmail"]?.GetValue<string>()?.ToLowerInvariant();
        var given = body?["name"]?["givenName"]?.GetValue<string>();
        var family = body?["name"]?["familyName"]?.GetValue<string>();
        var password = body?["password"]?.GetValue<string>();
        if (
            string.IsNullOrEmpty(email)
            || !email.Contains('@', StringComparison.Ordinal)
            || string.IsNullOrEmpty(given)
            || string.IsNullOrEmpty(family)
        )
        {
            return GoogleSimulator.Error(400, "required", "primaryEmail, name.givenName and name.familyName are required.");
        }

        if (password is null || password.Length is < 8 or > 100)
        {
            return GoogleSimulator.Error(400, "invalidPassword", "Invalid Password");
        }

        var domain = email[(email.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var seats = await GoogleReseller.SeatsForDomainAsync(store, partner, domain, ct);
        if (seats is null)
        {
            return GoogleSimulator.Error(403, "forbidden", "Not Authorized to access this resource/api");
        }

        if (await store.GetAsync<GoogleTokenState>(partner, SandboxKinds.GoogleVerified, domain, ct) is null)
        {
            return GoogleSimulator.Error(412, "conditionNotMet", "Domain not verified: verify it with the Site Verification API first.");
        }

        if (await store.GetAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, email, ct) is not null)
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        var users = await store.ListAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, ct);
        if (users.Count(u => u.CustomerId == seats.Value.Customer.CustomerId) >= seats.Value.Seats)
        {
            return GoogleSimulator.Error(412, "conditionNotMet", "User creation is not allowed as the maximum number of users is reached.");
        }

        var user = new GoogleUserState(
            SandboxFaults.Hash(partner + email, 900_000_000).ToString("D21", CultureInfo.InvariantCulture),
            email,
            given,
            family,
            seats.Value.Customer.CustomerId,
            [],
            false,
            time.GetUtcNow()
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.GoogleUser, email, user, ct))
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        return GoogleSimulator.Json(Wire(user));
    }

    public static async Task<IResult> ListUsersAsync(HttpContext http, SandboxStore store, string? domain, CancellationToken ct)
    {
        var users = await store.ListAsync<GoogleUserState>(GoogleSimulator.Partner(http), SandboxKinds.GoogleUser, ct);
        return GoogleSimulator.Json(
            new
            {
                kind = "admin#directory#users",
                users = users
                    .Where(u => domain is null || u.PrimaryEmail.EndsWith("@" + domain.ToLowerInvariant(), StringComparison.Ordinal))
                    .Select(Wire)
                    .ToList(),
            }
        );
    }

    /// <summary><c>GET /users/{userKey}</c>: the key may be the primary address, an alias or the user id.</summary>
    public static async Task<IResult> GetUserAsync(HttpContext http, SandboxStore store, string userKey, CancellationToken ct) =>
        await FindUserAsync(store, GoogleSimulator.Partner(http), userKey, ct) is { } user
            ? GoogleSimulator.Json(Wire(user))
            : UserNotFound();

    /// <summary>
    /// <c>PUT /users/{userKey}</c> (users.update): new names and, when <c>primaryEmail</c> changes, a move to the new address
    /// on the same domain; the old address stays an alias, as Google keeps it. An address held by another user is 409.
    /// </summary>
    public static async Task<IResult> UpdateUserAsync(HttpContext http, SandboxStore store, string userKey, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        if (await FindUserAsync(store, partner, userKey, ct) is not { } user)
        {
            return UserNotFound();
        }

        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var email = body?["primaryEmail"]?.GetValue<string>()?.ToLowerInvariant() ?? user.PrimaryEmail;
        var given = body?["name"]?["givenName"]?.GetValue<string>() ?? user.GivenName;
        var family = body?["name"]?["familyName"]?.GetValue<string>() ?? user.FamilyName;
        if (
            email.Split('@') is not [{ Length: > 0 }, var domain]
            || domain != user.PrimaryEmail.Split('@')[1]
            || given.Length == 0
            || family.Length == 0
        )
        {
            return GoogleSimulator.Error(
                400,
                "invalid",
                "Invalid Input: primaryEmail must stay on the user's domain, and names must not be empty."
            );
        }

        if (email == user.PrimaryEmail)
        {
            var renamed = user with { GivenName = given, FamilyName = family };
            await store.UpsertAsync(partner, SandboxKinds.GoogleUser, user.PrimaryEmail, renamed, ct);
            return GoogleSimulator.Json(Wire(renamed));
        }

        if (await FindUserAsync(store, partner, email, ct) is { } holder && holder.Id != user.Id)
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        var moved = user with
        {
            PrimaryEmail = email,
            GivenName = given,
            FamilyName = family,
            Aliases = [.. user.Aliases.Where(a => a != email).Append(user.PrimaryEmail).Distinct()],
        };
        if (!await store.TryAddAsync(partner, SandboxKinds.GoogleUser, email, moved, ct))
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        await store.DeleteAsync(partner, SandboxKinds.GoogleUser, user.PrimaryEmail, ct);
        return GoogleSimulator.Json(Wire(moved));
    }

    /// <summary>Deletes a user by primary address (its seat becomes free).</summary>
    public static async Task<IResult> DeleteUserAsync(HttpContext http, SandboxStore store, string userKey, CancellationToken ct) =>
        await store.DeleteAsync(GoogleSimulator.Partner(http), SandboxKinds.GoogleUser, userKey.ToLowerInvariant(), ct)
            ? Results.NoContent()
            : GoogleSimulator.Error(404, "notFound", "Resource Not Found: userKey");

    public static async Task<IResult> AddAliasAsync(HttpContext http, SandboxStore store, string userKey, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        var user = await store.GetAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, userKey, ct);
        if (user is null)
        {
            return GoogleSimulator.Error(404, "notFound", "Resource Not Found: userKey");
        }

        var alias = (await GoogleSimulator.BodyAsync(http.Request, ct))?["alias"]?.GetValue<string>()?.ToLowerInvariant();
        if (string.IsNullOrEmpty(alias) || alias.Split('@') is not [_, var aliasDomain] || aliasDomain != user.PrimaryEmail.Split('@')[1])
        {
            return GoogleSimulator.Error(400, "invalid", "Invalid alias: it must be an address on the user's domain.");
        }

        if (user.Aliases.Contains(alias) || await store.GetAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, alias, ct) is not null)
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        await store.UpsertAsync(partner, SandboxKinds.GoogleUser, user.PrimaryEmail, user with { Aliases = [.. user.Aliases, alias] }, ct);
        return GoogleSimulator.Json(
            new
            {
                kind = "admin#directory#alias",
                id = user.Id,
                primaryEmail = user.PrimaryEmail,
                alias,
            }
        );
    }

    public static async Task<IResult> SetPhotoAsync(HttpContext http, SandboxStore store, string userKey, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        var user = await store.GetAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, userKey, ct);
        if (user is null)
        {
            return GoogleSimulator.Error(404, "notFound", "Resource Not Found: userKey");
        }

        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var data = body?["photoData"]?.GetValue<string>();
        var mime = body?["mimeType"]?.GetValue<string>() ?? "";
        byte[]? bytes = null;
        try
        {
            var standard = (data ?? "").Replace('-', '+').Replace('_', '/');
            bytes = Convert.FromBase64String(standard.PadRight(standard.Length + ((4 - (standard.Length % 4)) % 4), '='));
        }
        catch (FormatException) { }

        if (
            SandboxFaults.Has(user.PrimaryEmail, SandboxFaults.BadPic)
            || bytes is null
            || bytes.Length == 0
            || !mime.StartsWith("image/", StringComparison.Ordinal)
        )
        {
            return GoogleSimulator.Error(400, "invalid", "Invalid photo: the image data could not be read.");
        }

        await store.UpsertAsync(partner, SandboxKinds.GoogleUser, user.PrimaryEmail, user with { HasPhoto = true }, ct);
        return GoogleSimulator.Json(
            new
            {
                kind = "admin#directory#user#photo",
                primaryEmail = user.PrimaryEmail,
                mimeType = mime,
                photoData = data,
            }
        );
    }

    /// <summary>A user by primary address, else by alias or id (Google accepts all three as <c>userKey</c>).</summary>
    private static async Task<GoogleUserState?> FindUserAsync(SandboxStore store, string partner, string userKey, CancellationToken ct)
    {
        var key = userKey.ToLowerInvariant();
        return await store.GetAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, key, ct)
            ?? (await store.ListAsync<GoogleUserState>(partner, SandboxKinds.GoogleUser, ct)).FirstOrDefault(u =>
                u.Id == userKey || u.Aliases.Contains(key)
            );
    }

    private static IResult UserNotFound() => GoogleSimulator.Error(404, "notFound", "Resource Not Found: userKey");

    private static object Wire(GoogleUserState u) =>
        new
        {
            kind = "admin#directory#user",
            id = u.Id,
            primaryEmail = u.PrimaryEmail,
            name = new
            {
                givenName = u.GivenName,
                familyName = u.FamilyName,
                fullName = u.GivenName + " " + u.FamilyName,
            },
            isAdmin = false,
            agreedToTerms = false,
            customerId = u.CustomerId,
            aliases = u.Aliases,
            creationTime = u.CreationTime.ToString("yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture),
        };
}
