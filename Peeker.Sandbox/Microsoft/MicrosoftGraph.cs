using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Microsoft;

/// <summary>Graph: domains (verification against the sandbox DNS), service configuration records, users and licences.</summary>
internal static class MicrosoftGraph
{
    public static async Task<IResult> AddDomainAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var (partner, tenant) = (MicrosoftSimulator.Partner(http), MicrosoftSimulator.Tenant(http));
        var id = (await MicrosoftSimulator.BodyAsync(http.Request, ct))?["id"]?.GetValue<string>()?.ToLowerInvariant();
        if (string.IsNullOrEmpty(id) || !id.Contains('.', StringComparison.Ordinal))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "Invalid value specified for property 'id' of resource 'Domain'."
            );
        }

        if (await SandboxFaults.FireAsync(store, partner, SandboxFaults.RateLimited, id, 1, ct))
        {
            http.Response.Headers.RetryAfter = "1";
            return MicrosoftSimulator.GraphError(429, "TooManyRequests", "Too many requests. Retry after the interval in Retry-After.");
        }

        var domain = new MicrosoftDomainState(
            id,
            tenant,
            false,
            [],
            "MS=ms" + SandboxFaults.Hash(partner + "|" + id, 90_000_000).ToString("D8", System.Globalization.CultureInfo.InvariantCulture)
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.MicrosoftDomain, id, domain, ct))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "Another object with the same value for property id already exists."
            );
        }

        return MicrosoftSimulator.Json(Wire(domain), 201);
    }

    public static async Task<IResult> GetDomainAsync(HttpContext http, SandboxStore store, string domainId, CancellationToken ct) =>
        await FindAsync(http, store, domainId, ct) is { } d ? MicrosoftSimulator.Json(Wire(d)) : NotFound(domainId);

    /// <summary>Removes a domain from the tenant; refused while users still have addresses on it.</summary>
    public static async Task<IResult> DeleteDomainAsync(HttpContext http, SandboxStore store, string domainId, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await FindAsync(http, store, domainId, ct) is not { } domain)
        {
            return NotFound(domainId);
        }

        var users = await store.ListAsync<MicrosoftUserState>(partner, SandboxKinds.MicrosoftUser, ct);
        if (users.Any(u => u.UserPrincipalName.EndsWith("@" + domain.Id, StringComparison.Ordinal)))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                $"Domain {domain.Id} cannot be deleted: users still reference it."
            );
        }

        await store.DeleteAsync(partner, SandboxKinds.MicrosoftDomain, domain.Id, ct);
        return Results.NoContent();
    }

    public static async Task<IResult> UpdateDomainAsync(HttpContext http, SandboxStore store, string domainId, CancellationToken ct)
    {
        if (await FindAsync(http, store, domainId, ct) is not { } domain)
        {
            return NotFound(domainId);
        }

        var services = ((await MicrosoftSimulator.BodyAsync(http.Request, ct))?["supportedServices"]?.AsArray() ?? [])
            .Select(s => s!.GetValue<string>())
            .ToList();
        if (services.Count > 0 && !domain.IsVerified)
        {
            return MicrosoftSimulator.GraphError(400, "Request_BadRequest", "Domain must be verified before services can be enabled.");
        }

        await store.UpsertAsync(
            MicrosoftSimulator.Partner(http),
            SandboxKinds.MicrosoftDomain,
            domain.Id,
            domain with
            {
                SupportedServices = services,
            },
            ct
        );
        return Results.NoContent();
    }

    public static async Task<IResult> VerificationRecordsAsync(HttpContext http, SandboxStore store, string domainId, CancellationToken ct)
    {
        if (await FindAsync(http, store, domainId, ct) is not { } d)
        {
            return NotFound(domainId);
        }

        return MicrosoftSimulator.Json(
            new
            {
                value = new object[]
                {
                    new Dictionary<string, object?>
                    {
                        ["@odata.type"] = "#microsoft.graph.domainDnsTxtRecord",
                        ["id"] = "aceff52c-06a5-447f-ac5f-256ad243cc5c",
                        ["isOptional"] = false,
                        ["label"] = d.Id,
                        ["recordType"] = "Txt",
                        ["supportedService"] = "None",
                        ["ttl"] = 3600,
                        ["text"] = d.VerificationCode,
                    },
                    new Dictionary<string, object?>
                    {
                        ["@odata.type"] = "#microsoft.graph.domainDnsMxRecord",
                        ["id"] = "5fbde38c-0865-497f-82b1-126f596bcee9",
                        ["isOptional"] = false,
                        ["label"] = d.Id,
                        ["recordType"] = "Mx",
                        ["supportedService"] = "None",
                        ["ttl"] = 3600,
                        ["mailExchange"] = d.VerificationCode[3..] + ".msv1.invalid",
                        ["preference"] = 32767,
                    },
                },
            }
        );
    }

    public static async Task<IResult> VerifyAsync(HttpContext http, SandboxStore store, string domainId, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await FindAsync(http, store, domainId, ct) is not { } domain)
        {
            return NotFound(domainId);
        }

        if (!domain.IsVerified && !(await SandboxDns.TxtAsync(store, partner, domain.Id, ct)).Contains(domain.VerificationCode))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                $"Domain verification failed: the TXT record {domain.VerificationCode} was not found at {domain.Id}."
            );
        }

        var verified = domain with { IsVerified = true };
        await store.UpsertAsync(partner, SandboxKinds.MicrosoftDomain, domain.Id, verified, ct);
        return MicrosoftSimulator.Json(Wire(verified));
    }

    /// <summary>MX alternates deterministically between the legacy and the <c>mx.microsoft</c> style, so clients must read it.</summary>
    public static async Task<IResult> ServiceRecordsAsync(HttpContext http, SandboxStore store, string domainId, CancellationToken ct)
    {
        if (await FindAsync(http, store, domainId, ct) is not { } d)
        {
            return NotFound(domainId);
        }

        if (!d.SupportedServices.Contains("Email"))
        {
            return MicrosoftSimulator.Json(new { value = Array.Empty<object>() });
        }

        var dashes = d.Id.Replace('.', '-');
        var mx =
            SandboxFaults.Hash(d.Id, 2) == 0
                ? dashes + ".mail.protection.outlook.com"
                : dashes + "." + SandboxFaults.HexId(d.Id + "|mx", 4) + ".mx.microsoft";
        return MicrosoftSimulator.Json(
            new
            {
                value = new object[]
                {
                    new Dictionary<string, object?>
                    {
                        ["@odata.type"] = "#microsoft.graph.domainDnsMxRecord",
                        ["isOptional"] = false,
                        ["label"] = d.Id,
                        ["recordType"] = "Mx",
                        ["supportedService"] = "Email",
                        ["ttl"] = 3600,
                        ["mailExchange"] = mx,
                        ["preference"] = 0,
                    },
                    new Dictionary<string, object?>
                    {
                        ["@odata.type"] = "#microsoft.graph.domainDnsTxtRecord",
                        ["isOptional"] = false,
                        ["label"] = d.Id,
                        ["recordType"] = "Txt",
                        ["supportedService"] = "Email",
                        ["ttl"] = 3600,
                        ["text"] = "v=spf1 include:spf.protection.outlook.com -all",
                    },
                    new Dictionary<string, object?>
                    {
                        ["@odata.type"] = "#microsoft.graph.domainDnsCnameRecord",
                        ["isOptional"] = false,
                        ["label"] = "autodiscover." + d.Id,
                        ["recordType"] = "CName",
                        ["supportedService"] = "Email",
                        ["ttl"] = 3600,
                        ["canonicalName"] = "autodiscover.outlook.com",
                    },
                },
            }
        );
    }

    public static async Task<IResult> SubscribedSkusAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var tenant = MicrosoftSimulator.Tenant(http);
        var partner = MicrosoftSimulator.Partner(http);
        var users = (await store.ListAsync<MicrosoftUserState>(partner, SandboxKinds.MicrosoftUser, ct))
            .Where(u => u.TenantId == tenant)
            .ToList();
        var licenses = (await store.ListAsync<MicrosoftLicenseState>(partner, SandboxKinds.MicrosoftLicense, ct))
            .Where(l => l.TenantId == tenant)
            .Select(l => l with { Consumed = users.Count(u => u.Licenses.Contains(l.SkuId)) });
        return MicrosoftSimulator.Json(
            new
            {
                value = licenses
                    .Select(l => new
                    {
                        skuId = l.SkuId,
                        skuPartNumber = l.SkuPartNumber,
                        capabilityStatus = l.Status == "active" ? "Enabled" : "Suspended",
                        consumedUnits = l.Consumed,
                        prepaidUnits = new
                        {
                            enabled = l.Enabled,
                            suspended = 0,
                            warning = 0,
                        },
                    })
                    .ToList(),
            }
        );
    }

    public static async Task<IResult> CreateUserAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var (partner, tenant) = (MicrosoftSimulator.Partner(http), MicrosoftSimulator.Tenant(http));
        var body = await MicrosoftSimulator.BodyAsync(http.Request, ct);
        var upn = body?["userPrincipalName"]?.GetValue<string>()?.ToLowerInvariant();
        var display = body?["displayName"]?.GetValue<string>();
        if (
            string.IsNullOrEmpty(upn)
            || string.IsNullOrEmpty(display)
            || string.IsNullOrEmpty(body?["mailNickname"]?.GetValue<string>())
            || body?["accountEnabled"] is null
            || string.IsNullOrEmpty(body?["passwordProfile"]?["password"]?.GetValue<string>())
        )
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "Properties accountEnabled, displayName, mailNickname, userPrincipalName and passwordProfile.password are required."
            );
        }

        var domain = upn[(upn.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var customer = await store.GetAsync<MicrosoftCustomerState>(partner, SandboxKinds.MicrosoftCustomer, tenant, ct);
        var owned = await store.GetAsync<MicrosoftDomainState>(partner, SandboxKinds.MicrosoftDomain, domain, ct);
        if (domain != customer!.Domain && (owned is null || owned.TenantId != tenant || !owned.IsVerified))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."
            );
        }

        var user = new MicrosoftUserState(
            Guid.Parse(SandboxFaults.HexId(partner + "|user|" + upn)).ToString(),
            tenant,
            upn,
            display,
            body!["usageLocation"]?.GetValue<string>(),
            [],
            body["givenName"]?.GetValue<string>(),
            body["surname"]?.GetValue<string>()
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.MicrosoftUser, upn, user, ct))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "Another object with the same value for property userPrincipalName already exists."
            );
        }

        return MicrosoftSimulator.Json(Wire(user), 201);
    }

    public static async Task<IResult> GetUserAsync(HttpContext http, SandboxStore store, string userId, CancellationToken ct) =>
        await FindUserAsync(http, store, userId, ct) is { } u ? MicrosoftSimulator.Json(Wire(u)) : UserNotFound(userId);

    /// <summary>
    /// <c>PATCH /users/{id|upn}</c>: names, and a new <c>userPrincipalName</c> on a verified domain of the tenant (the user
    /// moves; its id and licences stay). A UPN held by another user is Graph's 400 "already exists".
    /// </summary>
    public static async Task<IResult> UpdateUserAsync(HttpContext http, SandboxStore store, string userId, CancellationToken ct)
    {
        var (partner, tenant) = (MicrosoftSimulator.Partner(http), MicrosoftSimulator.Tenant(http));
        if (await FindUserAsync(http, store, userId, ct) is not { } user)
        {
            return UserNotFound(userId);
        }

        var body = await MicrosoftSimulator.BodyAsync(http.Request, ct);
        string? S(string key) => body?[key]?.GetValue<string>();
        var upn = S("userPrincipalName")?.ToLowerInvariant() ?? user.UserPrincipalName;
        var updated = user with
        {
            UserPrincipalName = upn,
            DisplayName = S("displayName") ?? user.DisplayName,
            GivenName = S("givenName") ?? user.GivenName,
            Surname = S("surname") ?? user.Surname,
        };
        if (upn == user.UserPrincipalName)
        {
            await store.UpsertAsync(partner, SandboxKinds.MicrosoftUser, upn, updated, ct);
            return Results.NoContent();
        }

        var domain = upn[(upn.IndexOf('@', StringComparison.Ordinal) + 1)..];
        var owned = await store.GetAsync<MicrosoftDomainState>(partner, SandboxKinds.MicrosoftDomain, domain, ct);
        if (!upn.Contains('@', StringComparison.Ordinal) || owned is null || owned.TenantId != tenant || !owned.IsVerified)
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."
            );
        }

        if (!await store.TryAddAsync(partner, SandboxKinds.MicrosoftUser, upn, updated, ct))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "Another object with the same value for property userPrincipalName already exists."
            );
        }

        await store.DeleteAsync(partner, SandboxKinds.MicrosoftUser, user.UserPrincipalName, ct);
        await RecountAsync(store, partner, user.TenantId, user.Licenses, ct);
        return Results.NoContent();
    }

    /// <summary>Licences of <paramref name="sku"/> assigned in <paramref name="tenant"/>: counted from the users that hold one.</summary>
    public static async Task<int> ConsumedAsync(SandboxStore store, string partner, string tenant, Guid sku, CancellationToken ct) =>
        Held(await TenantUsersAsync(store, partner, tenant, ct), sku);

    private static int Held(IEnumerable<MicrosoftUserState> users, Guid sku) => users.Count(u => u.Licenses.Contains(sku));

    private static async Task<List<MicrosoftUserState>> TenantUsersAsync(
        SandboxStore store,
        string partner,
        string tenant,
        CancellationToken ct
    ) => [.. (await store.ListAsync<MicrosoftUserState>(partner, SandboxKinds.MicrosoftUser, ct)).Where(u => u.TenantId == tenant)];

    /// <summary>
    /// Writes the recounted consumption onto each licence row (what the inspector and subscribedSkus show), from
    /// <paramref name="users"/> when the caller has the tenant's users already, else from one read of them.
    /// </summary>
    private static async Task RecountAsync(
        SandboxStore store,
        string partner,
        string tenant,
        IEnumerable<Guid> skus,
        CancellationToken ct,
        List<MicrosoftUserState>? users = null
    )
    {
        foreach (var sku in skus)
        {
            var key = tenant + "|" + sku;
            if (await store.GetAsync<MicrosoftLicenseState>(partner, SandboxKinds.MicrosoftLicense, key, ct) is { } license)
            {
                users ??= await TenantUsersAsync(store, partner, tenant, ct);
                await store.UpsertAsync(partner, SandboxKinds.MicrosoftLicense, key, license with { Consumed = Held(users, sku) }, ct);
            }
        }
    }

    /// <summary>Deletes a user; each licence it held goes back to its subscription.</summary>
    public static async Task<IResult> DeleteUserAsync(HttpContext http, SandboxStore store, string userId, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await FindUserAsync(http, store, userId, ct) is not { } user)
        {
            return UserNotFound(userId);
        }

        // Counted from the users after the delete, like an assignment: a delete repeated after a lost answer frees nothing twice.
        await store.DeleteAsync(partner, SandboxKinds.MicrosoftUser, user.UserPrincipalName, ct);
        await RecountAsync(store, partner, user.TenantId, user.Licenses, ct);
        return Results.NoContent();
    }

    public static async Task<IResult> AssignLicenseAsync(HttpContext http, SandboxStore store, string userId, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await FindUserAsync(http, store, userId, ct) is not { } user)
        {
            return UserNotFound(userId);
        }

        if (string.IsNullOrEmpty(user.UsageLocation))
        {
            return MicrosoftSimulator.GraphError(
                400,
                "Request_BadRequest",
                "License assignment cannot be done for user with invalid usage location."
            );
        }

        var skus = ((await MicrosoftSimulator.BodyAsync(http.Request, ct))?["addLicenses"]?.AsArray() ?? [])
            .Select(l => Guid.TryParse(l?["skuId"]?.GetValue<string>(), out var g) ? g : Guid.Empty)
            .ToList();
        var licenses = user.Licenses.ToList();
        var added = new List<Guid>();
        var others = (await TenantUsersAsync(store, partner, user.TenantId, ct))
            .Where(u => u.UserPrincipalName != user.UserPrincipalName)
            .ToList();
        foreach (var sku in skus.Where(s => !licenses.Contains(s)))
        {
            var key = user.TenantId + "|" + sku;
            var license = await store.GetAsync<MicrosoftLicenseState>(partner, SandboxKinds.MicrosoftLicense, key, ct);
            if (license is null)
            {
                return MicrosoftSimulator.GraphError(
                    400,
                    "Request_BadRequest",
                    $"License {sku} does not correspond to a valid company License."
                );
            }

            if (Held(others, sku) >= license.Enabled)
            {
                return MicrosoftSimulator.GraphError(
                    400,
                    "CountViolation",
                    $"Subscription for {license.SkuPartNumber} does not have any available licenses."
                );
            }

            licenses.Add(sku);
            added.Add(sku);
        }

        // The user's row is the one record of an assignment; the licence row's count is recomputed from the users, so
        // a call cut short between the two writes (or repeated after a lost answer) never leaves a licence counted twice.
        var updated = user with
        {
            Licenses = licenses,
        };
        await store.UpsertAsync(partner, SandboxKinds.MicrosoftUser, user.UserPrincipalName, updated, ct);
        await RecountAsync(store, partner, user.TenantId, added, ct, [.. others, updated]);
        return MicrosoftSimulator.Json(Wire(updated));
    }

    private static async Task<MicrosoftDomainState?> FindAsync(HttpContext http, SandboxStore store, string id, CancellationToken ct) =>
        await store.GetAsync<MicrosoftDomainState>(MicrosoftSimulator.Partner(http), SandboxKinds.MicrosoftDomain, id, ct) is { } d
        && d.TenantId == MicrosoftSimulator.Tenant(http)
            ? d
            : null;

    /// <summary>A user of the calling tenant by UPN, else by id (Graph takes either in the path).</summary>
    private static async Task<MicrosoftUserState?> FindUserAsync(HttpContext http, SandboxStore store, string id, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        var user =
            await store.GetAsync<MicrosoftUserState>(partner, SandboxKinds.MicrosoftUser, id, ct)
            ?? (
                id.Contains('@', StringComparison.Ordinal)
                    ? null
                    : (await store.ListAsync<MicrosoftUserState>(partner, SandboxKinds.MicrosoftUser, ct)).FirstOrDefault(u => u.Id == id)
            );
        return user is not null && user.TenantId == MicrosoftSimulator.Tenant(http) ? user : null;
    }

    private static IResult NotFound(string id) =>
        MicrosoftSimulator.GraphError(
            404,
            "Request_ResourceNotFound",
            $"Resource '{id}' does not exist or one of its queried reference-property objects are not present."
        );

    private static IResult UserNotFound(string id) => NotFound(id);

    private static object Wire(MicrosoftDomainState d) =>
        new
        {
            id = d.Id,
            authenticationType = "Managed",
            isDefault = false,
            isInitial = false,
            isRoot = true,
            isVerified = d.IsVerified,
            supportedServices = d.SupportedServices,
        };

    private static object Wire(MicrosoftUserState u) =>
        new
        {
            id = u.Id,
            userPrincipalName = u.UserPrincipalName,
            displayName = u.DisplayName,
            givenName = u.GivenName,
            surname = u.Surname,
            usageLocation = u.UsageLocation,
            assignedLicenses = u.Licenses.Select(l => new { skuId = l, disabledPlans = Array.Empty<Guid>() }).ToList(),
        };
}
