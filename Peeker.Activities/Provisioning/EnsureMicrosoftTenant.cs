using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// Creates the order's Microsoft 365 customer (tenant), records it on the order (cancellation needs it) and buys its
/// licences through Partner Center.
/// </summary>
/// <remarks>
/// Spends money (licences). Idempotent: both calls carry the request id <c>{instanceId}:{taskId}</c>, which Partner
/// Center deduplicates; recording the tenant is an absolute write made before any licence is bought.
/// </remarks>
public sealed class EnsureMicrosoftTenant(IMicrosoftClientFactory microsoft, OrderStore orders) : TaskActivity<EnsureTenantInput, EnsureTenantResult>
{
    /// <summary>Partner Center catalog item of the Microsoft 365 Business Basic licence.</summary>
    public const string CatalogItemId = "CFQ7TTC0LH18:0001";

    public override async Task<EnsureTenantResult> RunAsync(TaskActivityContext context, EnsureTenantInput input)
    {
        var client = microsoft.Create(input.Order.Scope);
        var prefix = "pk" + new string(input.Order.OrderId.ToLowerInvariant().Where(char.IsAsciiLetterOrDigit).ToArray())[..Math.Min(20, input.Order.OrderId.Length)];
        var customer = await client.CreateCustomerAsync(
            new MicrosoftCustomerInput(prefix, input.Order.OrderId, input.CustomerEmail, "Peeker", "Provisioning", "1 Main Street", "Austin", "TX", "78701", "US", "+15125550100"),
            context.IdempotencyKey + ":customer",
            context.CancellationToken);
        _ = await orders.UpdateAsync(input.Order.Environment, input.Order.OrderId, o => o with { MicrosoftTenantId = customer.CustomerId }, context.CancellationToken)
            ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        await client.PurchaseLicensesAsync(customer.CustomerId, CatalogItemId, Math.Max(1, input.Licenses), context.IdempotencyKey + ":licenses", context.CancellationToken);
        return new EnsureTenantResult(customer.CustomerId, customer.TenantId, customer.InitialDomain);
    }
}
