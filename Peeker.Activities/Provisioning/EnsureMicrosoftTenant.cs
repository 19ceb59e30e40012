using Microsoft.DurableTask;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// Creates the order's Microsoft 365 customer (tenant), records it on the order (cancellation needs it) and buys its
/// licences through Partner Center.
/// </summary>
/// <remarks>
/// Spends money (licences). Idempotent: the calls carry request ids built from the order id
/// (<c>{orderId}:microsoft:customer</c>, <c>{orderId}:microsoft:licenses</c>), which Partner Center deduplicates, so a
/// retry after a lost answer gets the same customer and the same purchase; recording the tenant is an absolute write
/// made before any licence is bought.
/// </remarks>
public sealed class EnsureMicrosoftTenant(IMicrosoftClientFactory microsoft, OrderStore orders) : TaskActivity<EnsureTenantInput, EnsureTenantResult>
{
    /// <summary>Partner Center catalog item of the Microsoft 365 Business Basic licence.</summary>
    public const string CatalogItemId = "CFQ7TTC0LH18:0001";

    public override async Task<EnsureTenantResult> RunAsync(TaskActivityContext context, EnsureTenantInput input)
    {
        var client = microsoft.Create(input.Order.Scope);
        var prefix = "pk" + new string(input.Order.OrderId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())[..Math.Min(20, input.Order.OrderId.Length)];
        // The business identity of the calls: one customer and one licence purchase per order, whichever attempt runs.
        var customerRequest = $"{input.Order.OrderId}:microsoft:customer";
        var licensesRequest = $"{input.Order.OrderId}:microsoft:licenses";
        var customer = await client.CreateCustomerAsync(
            new MicrosoftCustomerInput(prefix, input.Order.OrderId, input.CustomerEmail, "Peeker", "Provisioning", "1 Main Street", "Austin", "TX", "78701", "US", "+15125550100"),
            customerRequest,
            CancellationToken.None);
        _ = await orders.UpdateAsync(input.Order.Environment, input.Order.OrderId, o => o with { MicrosoftTenantId = customer.CustomerId }, CancellationToken.None)
            ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        await client.PurchaseLicensesAsync(customer.CustomerId, CatalogItemId, Math.Max(1, input.Licenses), licensesRequest, CancellationToken.None);
        return new EnsureTenantResult(customer.CustomerId, customer.TenantId, customer.InitialDomain);
    }
}

/// <summary>Typed call of <see cref="EnsureMicrosoftTenant"/> from an orchestration.</summary>
public static class EnsureMicrosoftTenantExtensions
{
    /// <summary>Schedules <see cref="EnsureMicrosoftTenant"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<EnsureTenantResult> EnsureMicrosoftTenantAsync(this TaskOrchestrationContext context, EnsureTenantInput input, TaskOptions? options = null) =>
        context.CallActivityAsync<EnsureTenantResult>(nameof(EnsureMicrosoftTenant), input, options);
}
