using Microsoft.DurableTask;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// Creates the order's Microsoft 365 customer (tenant), records it on the order (cancellation needs it) and buys its
/// licences through Partner Center.
/// </summary>
/// <remarks>
/// Spends money (licences). Idempotent by the order: the calls carry request ids built from the order id
/// (<c>{orderId}:microsoft:customer</c>, <c>{orderId}:microsoft:licenses</c>), which Partner Center deduplicates while it
/// remembers them; when it does not (the first try died mid-call), the customer is found by its initial domain and its
/// company name (the order id), and an existing subscription to the licence counts as the purchase. Recording the
/// tenant is an absolute write made before any licence is bought.
/// </remarks>
public sealed class EnsureMicrosoftTenant(IMicrosoftClientFactory microsoft, OrderStore orders)
    : TaskActivity<EnsureTenantInput, EnsureTenantResult>
{
    /// <summary>Partner Center catalog item of the Microsoft 365 Business Basic licence.</summary>
    public const string CatalogItemId = "CFQ7TTC0LH18:0001";

    /// <summary>Partner Center's "the cart has already been checked out".</summary>
    private const string CartAlreadyCheckedOut = "800033";

    public override async Task<EnsureTenantResult> RunAsync(TaskActivityContext context, EnsureTenantInput input)
    {
        var client = microsoft.Create(input.Order.Scope);
        var prefix = InitialDomainPrefix(input.Order.OrderId);
        // The business identity of the calls: one customer and one licence purchase per order, whichever attempt runs.
        var customerRequest = $"{input.Order.OrderId}:microsoft:customer";
        var licensesRequest = $"{input.Order.OrderId}:microsoft:licenses";
        var customer = await client.CreateCustomerAsync(
            new MicrosoftCustomerInput(
                prefix,
                input.Order.OrderId,
                input.CustomerEmail,
                "Peeker",
                "Provisioning",
                "1 Main Street",
                "Austin",
                "TX",
                "78701",
                "US",
                "+15125550100"
            ),
            customerRequest,
            CancellationToken.None
        );
        _ =
            await orders.UpdateAsync(
                input.Order.Environment,
                input.Order.OrderId,
                o => o with { MicrosoftTenantId = customer.CustomerId },
                CancellationToken.None
            ) ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        // The customer is the order's own, so a subscription to the licence there is this order's purchase, made by an
        // earlier try whose answer was lost: never buy it again.
        if (!await HasLicensesAsync(client, customer.CustomerId))
        {
            try
            {
                await client.PurchaseLicensesAsync(
                    customer.CustomerId,
                    CatalogItemId,
                    Math.Max(1, input.Licenses),
                    licensesRequest,
                    CancellationToken.None
                );
            }
            catch (ProviderException ex) when (ex.Code == CartAlreadyCheckedOut)
            {
                // Our checkout went through but its answer was lost; the repeated checkout finds the cart bought.
                if (!await HasLicensesAsync(client, customer.CustomerId))
                {
                    throw;
                }
            }
        }

        return new EnsureTenantResult(customer.CustomerId, customer.TenantId, customer.InitialDomain);
    }

    /// <summary>The order's <c>{prefix}.onmicrosoft.com</c>: <c>pk</c> and the first 20 letters and digits of the order id.</summary>
    internal static string InitialDomainPrefix(string orderId)
    {
        var letters = new string(orderId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray());
        return "pk" + letters[..Math.Min(20, letters.Length)];
    }

    private static async Task<bool> HasLicensesAsync(IMicrosoftClient client, string customerId) =>
        (await client.ListSubscriptionsAsync(customerId, CancellationToken.None)).Any(s => s.OfferId == CatalogItemId);
}

/// <summary>Typed call of <see cref="EnsureMicrosoftTenant"/> from an orchestration.</summary>
public static class EnsureMicrosoftTenantExtensions
{
    /// <summary>Schedules <see cref="EnsureMicrosoftTenant"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<EnsureTenantResult> EnsureMicrosoftTenantAsync(
        this TaskOrchestrationContext context,
        EnsureTenantInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<EnsureTenantResult>(nameof(EnsureMicrosoftTenant), input, options);
}
