using System.Globalization;
using System.Text.Json.Nodes;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Microsoft;

/// <summary>Partner Center: customer tenants and licence purchases (cart + checkout), idempotent by <c>MS-RequestId</c>.</summary>
internal static class MicrosoftPartnerCenter
{
    private static readonly string[] RequiredAddressFields = ["addressLine1", "city", "country", "postalCode"];

    public static async Task<IResult> CreateCustomerAsync(HttpContext http, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await ReplayAsync(http, store, partner, ct) is { } replay)
        {
            return replay;
        }

        var body = await MicrosoftSimulator.BodyAsync(http.Request, ct);
        var domain = body?["companyProfile"]?["domain"]?.GetValue<string>()?.ToLowerInvariant();
        var billing = body?["billingProfile"];
        var address = billing?["defaultAddress"];
        if (string.IsNullOrEmpty(domain) || !domain.EndsWith(".onmicrosoft.com", StringComparison.Ordinal))
        {
            return MicrosoftSimulator.PcError(400, 2000, "companyProfile.domain must be a <prefix>.onmicrosoft.com domain.");
        }

        if (address is null || RequiredAddressFields.Any(f => string.IsNullOrEmpty(address[f]?.GetValue<string>())))
        {
            return MicrosoftSimulator.PcError(
                400,
                2000,
                "Address validation failed: billingProfile.defaultAddress needs addressLine1, city, postalCode and country."
            );
        }

        var tenant = Guid.Parse(SandboxFaults.HexId(partner + "|tenant|" + domain)).ToString();
        var customer = new MicrosoftCustomerState(
            tenant,
            domain,
            billing?["companyName"]?.GetValue<string>() ?? domain,
            billing?["email"]?.GetValue<string>() ?? "",
            time.GetUtcNow()
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.MicrosoftCustomer, tenant, customer, ct))
        {
            return MicrosoftSimulator.PcError(409, 600, $"The domain {domain} is already in use.");
        }

        if (SandboxFaults.Has(customer.Email, SandboxFaults.LostAnswer))
        {
            // Created, but the answer (and with it the MS-RequestId record) is lost, as when the caller dies mid-call.
            return Results.Text("Gateway Timeout", "text/plain", statusCode: StatusCodes.Status504GatewayTimeout);
        }

        return await RememberAsync(http, store, partner, 201, Wire(customer), ct);
    }

    /// <summary>
    /// The partner's customers, optionally filtered as Partner Center does with
    /// <c>filter={"Field":"Domain","Value":"…","Operator":"starts_with"}</c>.
    /// </summary>
    public static async Task<IResult> ListCustomersAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        string? prefix = null;
        if (http.Request.Query["filter"].ToString() is { Length: > 0 } filter)
        {
            var parsed = JsonNode.Parse(filter);
            if (parsed?["Field"]?.GetValue<string>() != "Domain" || parsed["Operator"]?.GetValue<string>() != "starts_with")
            {
                return MicrosoftSimulator.PcError(400, 400, "Only filter Field=Domain, Operator=starts_with is supported.");
            }

            prefix = parsed["Value"]?.GetValue<string>()?.ToLowerInvariant() ?? "";
        }

        var items = (await store.ListAsync<MicrosoftCustomerState>(partner, SandboxKinds.MicrosoftCustomer, ct))
            .Where(c => prefix is null || c.Domain.StartsWith(prefix, StringComparison.Ordinal))
            .Select(Wire)
            .ToList();
        return MicrosoftSimulator.Json(
            new
            {
                totalCount = items.Count,
                items,
                attributes = new { objectType = "Collection" },
            }
        );
    }

    public static async Task<IResult> CreateCartAsync(HttpContext http, SandboxStore store, string customerId, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await ReplayAsync(http, store, partner, ct) is { } replay)
        {
            return replay;
        }

        if (await store.GetAsync<MicrosoftCustomerState>(partner, SandboxKinds.MicrosoftCustomer, customerId, ct) is null)
        {
            return MicrosoftSimulator.PcError(404, 600, "Customer not found.");
        }

        var line = (await MicrosoftSimulator.BodyAsync(http.Request, ct))?["lineItems"]?[0];
        var item = line?["catalogItemId"]?.GetValue<string>() ?? "";
        var quantity = line?["quantity"]?.GetValue<int>() ?? 0;
        if (!MicrosoftSimulator.Catalog.ContainsKey(item) || quantity is < 1 or > 300)
        {
            return MicrosoftSimulator.PcError(400, 800002, "Invalid catalogItemId or quantity (1-300).");
        }

        var cart = new MicrosoftCartState(Guid.NewGuid().ToString(), customerId, item, quantity, false);
        await store.UpsertAsync(partner, SandboxKinds.MicrosoftCart, cart.Id, cart, ct);
        return await RememberAsync(
            http,
            store,
            partner,
            201,
            new
            {
                id = cart.Id,
                lineItems = new[]
                {
                    new
                    {
                        id = 0,
                        catalogItemId = item,
                        quantity,
                        billingCycle = "monthly",
                        termDuration = "P1M",
                    },
                },
                status = "Active",
            },
            ct
        );
    }

    public static async Task<IResult> CheckoutAsync(
        HttpContext http,
        SandboxStore store,
        string customerId,
        string cartId,
        CancellationToken ct
    )
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await ReplayAsync(http, store, partner, ct) is { } replay)
        {
            return replay;
        }

        var cart = await store.GetAsync<MicrosoftCartState>(partner, SandboxKinds.MicrosoftCart, cartId, ct);
        if (cart is null || cart.CustomerId != customerId)
        {
            return MicrosoftSimulator.PcError(404, 800001, "Cart not found.");
        }

        if (cart.CheckedOut)
        {
            return MicrosoftSimulator.PcError(400, 800033, "The cart has already been checked out.");
        }

        // The licences are written before the cart is marked, so a checkout cut short never leaves a bought-looking cart without them.
        var (sku, part) = MicrosoftSimulator.Catalog[cart.CatalogItemId];
        var key = customerId + "|" + sku;
        var license =
            await store.GetAsync<MicrosoftLicenseState>(partner, SandboxKinds.MicrosoftLicense, key, ct)
            ?? new MicrosoftLicenseState(customerId, sku, part, 0, 0);
        var enabled = license.Status == "active" ? license.Enabled + cart.Quantity : cart.Quantity;
        await store.UpsertAsync(
            partner,
            SandboxKinds.MicrosoftLicense,
            key,
            license with
            {
                Enabled = enabled,
                Status = "active",
                CatalogItemId = cart.CatalogItemId,
            },
            ct
        );
        var orderId = SandboxFaults.HexId(partner + "|order|" + cartId, 20);
        await store.UpsertAsync(
            partner,
            SandboxKinds.MicrosoftOrder,
            orderId,
            new
            {
                id = orderId,
                customerId,
                cart.CatalogItemId,
                cart.Quantity,
            },
            ct
        );
        await store.UpsertAsync(partner, SandboxKinds.MicrosoftCart, cartId, cart with { CheckedOut = true }, ct);
        var owner = await store.GetAsync<MicrosoftCustomerState>(partner, SandboxKinds.MicrosoftCustomer, customerId, ct);
        if (SandboxFaults.Has(owner?.Email, SandboxFaults.LostAnswer))
        {
            // Bought, but the answer (and the MS-RequestId record) is lost: a repeated checkout finds the cart checked out.
            return Results.Text("Gateway Timeout", "text/plain", statusCode: StatusCodes.Status504GatewayTimeout);
        }

        return await RememberAsync(
            http,
            store,
            partner,
            201,
            new
            {
                orders = new[]
                {
                    new
                    {
                        id = orderId,
                        lineItems = new[]
                        {
                            new
                            {
                                lineItemNumber = 0,
                                offerId = cart.CatalogItemId,
                                quantity = cart.Quantity,
                            },
                        },
                        status = "completed",
                        creationDate = DateTimeOffset.UnixEpoch.ToString("O", CultureInfo.InvariantCulture),
                    },
                },
                orderErrors = Array.Empty<object>(),
            },
            ct
        );
    }

    /// <summary>The customer's subscriptions: one per SKU bought, with its quantity and status.</summary>
    public static async Task<IResult> ListSubscriptionsAsync(HttpContext http, SandboxStore store, string customerId, CancellationToken ct)
    {
        var partner = MicrosoftSimulator.Partner(http);
        if (await store.GetAsync<MicrosoftCustomerState>(partner, SandboxKinds.MicrosoftCustomer, customerId, ct) is null)
        {
            return MicrosoftSimulator.PcError(404, 600, "Customer not found.");
        }

        var items = (await store.ListAsync<MicrosoftLicenseState>(partner, SandboxKinds.MicrosoftLicense, ct))
            .Where(l => l.TenantId == customerId)
            .Select(l => Wire(partner, l))
            .ToList();
        return MicrosoftSimulator.Json(
            new
            {
                totalCount = items.Count,
                items,
                attributes = new { objectType = "Collection" },
            }
        );
    }

    /// <summary>
    /// Changes a subscription's quantity or suspends it. The quantity cannot fall below the licences assigned to users
    /// (a simulator rule that makes callers delete mailboxes first); a suspended subscription frees its licences.
    /// </summary>
    public static async Task<IResult> UpdateSubscriptionAsync(
        HttpContext http,
        SandboxStore store,
        string customerId,
        string subscriptionId,
        CancellationToken ct
    )
    {
        var partner = MicrosoftSimulator.Partner(http);
        var license = (await store.ListAsync<MicrosoftLicenseState>(partner, SandboxKinds.MicrosoftLicense, ct)).FirstOrDefault(l =>
            l.TenantId == customerId && SubscriptionId(partner, l) == subscriptionId
        );
        if (license is null)
        {
            return MicrosoftSimulator.PcError(404, 800001, "Subscription not found.");
        }

        var body = await MicrosoftSimulator.BodyAsync(http.Request, ct);
        var status = body?["status"]?.GetValue<string>()?.ToLowerInvariant() ?? license.Status;
        var quantity = body?["quantity"]?.GetValue<int>() ?? license.Enabled;
        if (status is not ("active" or "suspended"))
        {
            return MicrosoftSimulator.PcError(400, 800002, "Invalid status: expected active or suspended.");
        }

        var consumed = await MicrosoftGraph.ConsumedAsync(store, partner, license.TenantId, license.SkuId, ct);
        if (status == "active" && quantity < Math.Max(1, consumed))
        {
            return MicrosoftSimulator.PcError(
                400,
                800002,
                $"Quantity {quantity} is below the {consumed} licences assigned to users (minimum 1)."
            );
        }

        var updated = status == "suspended" ? license with { Status = status } : license with { Status = status, Enabled = quantity };
        await store.UpsertAsync(partner, SandboxKinds.MicrosoftLicense, license.TenantId + "|" + license.SkuId, updated, ct);
        return MicrosoftSimulator.Json(Wire(partner, updated));
    }

    private static object Wire(MicrosoftCustomerState c) =>
        new
        {
            id = c.Id,
            companyProfile = new
            {
                tenantId = c.Id,
                domain = c.Domain,
                companyName = c.CompanyName,
            },
            billingProfile = new { email = c.Email, companyName = c.CompanyName },
            relationshipToPartner = "reseller",
        };

    private static string SubscriptionId(string partner, MicrosoftLicenseState l) =>
        Guid.Parse(SandboxFaults.HexId(partner + "|subscription|" + l.TenantId + "|" + l.SkuId)).ToString();

    private static object Wire(string partner, MicrosoftLicenseState l) =>
        new
        {
            id = SubscriptionId(partner, l),
            offerId = l.CatalogItemId ?? MicrosoftSimulator.Catalog.First(c => c.Value.SkuId == l.SkuId).Key,
            offerName = l.SkuPartNumber,
            quantity = l.Enabled,
            unitType = "Licenses",
            status = l.Status,
            billingCycle = "monthly",
            termDuration = "P1M",
            autoRenewEnabled = l.Status == "active",
            attributes = new { objectType = "Subscription" },
        };

    private static async Task<IResult?> ReplayAsync(HttpContext http, SandboxStore store, string partner, CancellationToken ct)
    {
        var requestId = http.Request.Headers["MS-RequestId"].ToString();
        if (requestId.Length == 0)
        {
            return null;
        }

        var stored = await store.GetAsync<MicrosoftReplayState>(
            partner,
            MicrosoftSimulator.ReplayKind,
            http.Request.Path + "|" + requestId,
            ct
        );
        return stored is null ? null : Results.Content(stored.Json, "application/json", statusCode: stored.Status);
    }

    private static async Task<IResult> RememberAsync(
        HttpContext http,
        SandboxStore store,
        string partner,
        int status,
        object body,
        CancellationToken ct
    )
    {
        var json = MicrosoftSimulator.Serialize(body);
        var requestId = http.Request.Headers["MS-RequestId"].ToString();
        if (requestId.Length > 0)
        {
            await store.UpsertAsync(
                partner,
                MicrosoftSimulator.ReplayKind,
                http.Request.Path + "|" + requestId,
                new MicrosoftReplayState(status, json),
                ct
            );
        }

        return Results.Content(json, "application/json", statusCode: status);
    }
}
