using System.Globalization;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Google;

/// <summary>Reseller API: customers and subscriptions (seat field depends on the plan).</summary>
internal static class GoogleReseller
{
    public static readonly HashSet<string> Skus =
    [
        "1010020027",
        "1010020028",
        "1010020025",
        "1010020026",
        "1010020020",
        "1010020029",
        "1010060001",
    ];

    private static readonly HashSet<string> AnnualPlans = ["ANNUAL_MONTHLY_PAY", "ANNUAL_YEARLY_PAY"];
    private static readonly HashSet<string> FlexiblePlans = ["FLEXIBLE", "TRIAL"];

    public static async Task<IResult> CreateCustomerAsync(HttpContext http, SandboxStore store, TimeProvider time, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var domain = body?["customerDomain"]?.GetValue<string>()?.ToLowerInvariant();
        var alternate = body?["alternateEmail"]?.GetValue<string>()?.ToLowerInvariant();
        if (string.IsNullOrEmpty(domain) || string.IsNullOrEmpty(alternate) || body?["postalAddress"] is null)
        {
            return GoogleSimulator.Error(400, "required", "customerDomain, alternateEmail and postalAddress are required.");
        }

        if (alternate.EndsWith("@" + domain, StringComparison.Ordinal))
        {
            return GoogleSimulator.Error(400, "invalid", "alternateEmail must not be on the customer domain.");
        }

        var customer = new GoogleCustomerState(
            "C0" + SandboxFaults.HexId(partner + "|customer|" + domain, 7),
            domain,
            alternate,
            body!["postalAddress"]!.ToJsonString(),
            time.GetUtcNow()
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.GoogleCustomer, domain, customer, ct))
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        return GoogleSimulator.Json(Wire(customer));
    }

    public static async Task<IResult> GetCustomerAsync(HttpContext http, SandboxStore store, string customerKey, CancellationToken ct)
    {
        var customer = await FindCustomerAsync(store, GoogleSimulator.Partner(http), customerKey, ct);
        return customer is null
            ? GoogleSimulator.Error(404, "notFound", "Resource Not Found: customerId")
            : GoogleSimulator.Json(Wire(customer));
    }

    public static async Task<IResult> CreateSubscriptionAsync(
        HttpContext http,
        SandboxStore store,
        TimeProvider time,
        string customerId,
        CancellationToken ct
    )
    {
        var partner = GoogleSimulator.Partner(http);
        var customer = await FindCustomerAsync(store, partner, customerId, ct);
        if (customer is null)
        {
            return GoogleSimulator.Error(404, "notFound", "Resource Not Found: customerId");
        }

        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var sku = body?["skuId"]?.GetValue<string>() ?? "";
        var plan = body?["plan"]?["planName"]?.GetValue<string>() ?? "";
        var numberOfSeats = body?["seats"]?["numberOfSeats"]?.GetValue<int>();
        var maximum = body?["seats"]?["maximumNumberOfSeats"]?.GetValue<int>();
        if (!Skus.Contains(sku))
        {
            return GoogleSimulator.Error(400, "invalid", "Invalid skuId.");
        }

        int? seats =
            AnnualPlans.Contains(plan) ? numberOfSeats
            : FlexiblePlans.Contains(plan) ? maximum
            : null;
        if (!AnnualPlans.Contains(plan) && !FlexiblePlans.Contains(plan))
        {
            return GoogleSimulator.Error(400, "invalid", "Invalid planName.");
        }

        if (seats is null or < 1)
        {
            return GoogleSimulator.Error(
                400,
                "invalid",
                AnnualPlans.Contains(plan)
                    ? "Annual plans require seats.numberOfSeats."
                    : "FLEXIBLE and TRIAL plans require seats.maximumNumberOfSeats."
            );
        }

        var subscription = new GoogleSubscriptionState(
            SandboxFaults.Hash(partner + customer.CustomerId + sku, 900_000_000).ToString(CultureInfo.InvariantCulture),
            customer.CustomerId,
            sku,
            plan,
            seats.Value,
            "ACTIVE",
            time.GetUtcNow()
        );
        if (!await store.TryAddAsync(partner, SandboxKinds.GoogleSubscription, customer.CustomerId + "|" + sku, subscription, ct))
        {
            return GoogleSimulator.Error(409, "duplicate", "Entity already exists.");
        }

        return GoogleSimulator.Json(Wire(subscription));
    }

    public static async Task<IResult> ListSubscriptionsAsync(HttpContext http, SandboxStore store, string? customerId, CancellationToken ct)
    {
        var all = await store.ListAsync<GoogleSubscriptionState>(GoogleSimulator.Partner(http), SandboxKinds.GoogleSubscription, ct);
        return GoogleSimulator.Json(
            new
            {
                kind = "reseller#subscriptions",
                subscriptions = all.Where(s => customerId is null || s.CustomerId == customerId).Select(Wire).ToList(),
            }
        );
    }

    /// <summary>Cancels (deletes) a subscription; <c>deletionType</c> must be <c>cancel</c> or <c>transfer_to_direct</c>.</summary>
    public static async Task<IResult> DeleteSubscriptionAsync(
        HttpContext http,
        SandboxStore store,
        string customerId,
        string subscriptionId,
        string? deletionType,
        CancellationToken ct
    )
    {
        if (deletionType is not ("cancel" or "transfer_to_direct"))
        {
            return GoogleSimulator.Error(400, "invalid", "Invalid deletionType: expected cancel or transfer_to_direct.");
        }

        var partner = GoogleSimulator.Partner(http);
        var subscription = (await store.ListAsync<GoogleSubscriptionState>(partner, SandboxKinds.GoogleSubscription, ct)).FirstOrDefault(
            s => s.CustomerId == customerId && s.SubscriptionId == subscriptionId
        );
        if (
            subscription is null
            || !await store.DeleteAsync(partner, SandboxKinds.GoogleSubscription, subscription.CustomerId + "|" + subscription.SkuId, ct)
        )
        {
            return GoogleSimulator.Error(404, "notFound", "Resource Not Found: subscriptionId");
        }

        return Results.NoContent();
    }

    /// <summary>Seats bought for the customer of <paramref name="domain"/> (null when the domain has no customer).</summary>
    public static async Task<(GoogleCustomerState Customer, int Seats)?> SeatsForDomainAsync(
        SandboxStore store,
        string partner,
        string domain,
        CancellationToken ct
    )
    {
        var customer = await store.GetAsync<GoogleCustomerState>(partner, SandboxKinds.GoogleCustomer, domain, ct);
        if (customer is null)
        {
            return null;
        }

        var subscriptions = await store.ListAsync<GoogleSubscriptionState>(partner, SandboxKinds.GoogleSubscription, ct);
        return (customer, subscriptions.Where(s => s.CustomerId == customer.CustomerId).Sum(s => s.Seats));
    }

    private static async Task<GoogleCustomerState?> FindCustomerAsync(
        SandboxStore store,
        string partner,
        string key,
        CancellationToken ct
    ) =>
        key.Contains('.', StringComparison.Ordinal)
            ? await store.GetAsync<GoogleCustomerState>(partner, SandboxKinds.GoogleCustomer, key, ct)
            : (await store.ListAsync<GoogleCustomerState>(partner, SandboxKinds.GoogleCustomer, ct)).FirstOrDefault(c =>
                c.CustomerId == key
            );

    private static object Wire(GoogleCustomerState c) =>
        new
        {
            kind = "reseller#customer",
            customerId = c.CustomerId,
            customerDomain = c.CustomerDomain,
            alternateEmail = c.AlternateEmail,
            customerType = "domain",
            customerDomainVerified = false,
            resourceUiUrl = "https://admin.google.com/ac/home?sandbox=" + c.CustomerId,
        };

    private static object Wire(GoogleSubscriptionState s) =>
        new
        {
            kind = "reseller#subscription",
            customerId = s.CustomerId,
            subscriptionId = s.SubscriptionId,
            skuId = s.SkuId,
            plan = new { planName = s.PlanName, isCommitmentPlan = AnnualPlans.Contains(s.PlanName) },
            seats = AnnualPlans.Contains(s.PlanName)
                ? (object)new { kind = "subscriptions#seats", numberOfSeats = s.Seats }
                : new { kind = "subscriptions#seats", maximumNumberOfSeats = s.Seats },
            status = s.Status,
            creationTime = s.CreatedOn.ToUnixTimeMilliseconds().ToString(CultureInfo.InvariantCulture),
        };
}
