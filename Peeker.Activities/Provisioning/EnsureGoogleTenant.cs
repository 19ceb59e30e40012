using Microsoft.DurableTask;
using Peeker.Activities.Google;

namespace Peeker.Activities.Provisioning;

public sealed record EnsureTenantInput(OrderRef Order, string PrimaryDomain, string CustomerEmail, int Licenses);

public sealed record EnsureTenantResult(string CustomerId, string? TenantId, string? InitialDomain);

/// <summary>Creates (or finds) a domain's Google Workspace reseller customer and its subscription with one seat per inbox (one customer per sending domain keeps reputations apart).</summary>
/// <remarks>Spends money (seats). Idempotent: the client treats Google's 409 "entity exists" as done, and a subscription for the customer is reused.</remarks>
public sealed class EnsureGoogleTenant(IGoogleWorkspaceClientFactory google) : TaskActivity<EnsureTenantInput, EnsureTenantResult>
{
    public override async Task<EnsureTenantResult> RunAsync(TaskActivityContext context, EnsureTenantInput input)
    {
        var client = google.Create(input.Order.Scope);
        var customer = await client.CreateCustomerAsync(
            new GoogleCustomerInput(
                input.PrimaryDomain,
                input.CustomerEmail,
                "Peeker Provisioning",
                input.Order.OrderId,
                "1 Main Street",
                "Austin",
                "TX",
                "78701",
                "US"
            ),
            CancellationToken.None
        );
        await client.CreateSubscriptionAsync(
            customer.CustomerId,
            GoogleSkus.BusinessStarter,
            "FLEXIBLE",
            Math.Max(1, input.Licenses),
            CancellationToken.None
        );
        return new EnsureTenantResult(customer.CustomerId, null, null);
    }
}

/// <summary>Typed call of <see cref="EnsureGoogleTenant"/> from an orchestration.</summary>
public static class EnsureGoogleTenantExtensions
{
    /// <summary>Schedules <see cref="EnsureGoogleTenant"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<EnsureTenantResult> EnsureGoogleTenantAsync(
        this TaskOrchestrationContext context,
        EnsureTenantInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<EnsureTenantResult>(nameof(EnsureGoogleTenant), input, options);
}
