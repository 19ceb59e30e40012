using Microsoft.DurableTask;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// <see cref="GoogleDomains"/>: the cancelled Google domains (each has its own Workspace customer);
/// <see cref="MicrosoftTenantId"/>: the order's tenant when Microsoft domains were cancelled, else null.
/// </summary>
public sealed record RevokeLicensesInput(OrderRef Order, IReadOnlyList<string> GoogleDomains, string? MicrosoftTenantId);

/// <summary>Google subscriptions cancelled, and the Microsoft licences the tenant keeps (0 = subscription suspended).</summary>
public sealed record RevokeLicensesResult(int GoogleSubscriptionsCancelled, int? MicrosoftLicensesKept);

/// <summary>
/// Stops paying for the licences of cancelled mailboxes (the undo of <see cref="EnsureGoogleTenant"/> and
/// <see cref="EnsureMicrosoftTenant"/>): cancels the Workspace subscription of each cancelled Google domain, and brings
/// the Microsoft subscription down to the licences still assigned to users (suspending it when none is).
/// </summary>
/// <remarks>
/// Runs after <see cref="DeleteInboxes"/>. Idempotent: a cancelled Google subscription is gone from the list, and the
/// Microsoft quantity is set to an absolute number read from the tenant, never decremented.
/// </remarks>
public sealed class RevokeLicenses(IGoogleWorkspaceClientFactory google, IMicrosoftClientFactory microsoft)
    : TaskActivity<RevokeLicensesInput, RevokeLicensesResult>
{
    public override async Task<RevokeLicensesResult> RunAsync(TaskActivityContext context, RevokeLicensesInput input)
    {
        var ct = CancellationToken.None;
        var cancelled = 0;
        if (input.GoogleDomains.Count > 0)
        {
            var workspace = google.Create(input.Order.Scope);
            foreach (var domain in input.GoogleDomains)
            {
                if (await workspace.FindCustomerAsync(domain, ct) is not { } customer)
                {
                    continue;
                }

                foreach (var subscription in await workspace.ListSubscriptionsAsync(customer.CustomerId, ct))
                {
                    cancelled += await workspace.CancelSubscriptionAsync(customer.CustomerId, subscription.SubscriptionId, ct) ? 1 : 0;
                }
            }
        }

        if (input.MicrosoftTenantId is not { } tenant)
        {
            return new RevokeLicensesResult(cancelled, null);
        }

        var client = microsoft.Create(input.Order.Scope);
        var assigned = (await client.GetSubscribedSkusAsync(tenant, ct)).Sum(s => s.Consumed);
        foreach (var subscription in await client.ListSubscriptionsAsync(tenant, ct))
        {
            if (
                subscription.OfferId != EnsureMicrosoftTenant.CatalogItemId
                || subscription.Status == "suspended"
                || (assigned > 0 && subscription.Quantity == assigned)
            )
            {
                continue;
            }

            await client.SetSubscriptionQuantityAsync(tenant, subscription, assigned, ct);
        }

        return new RevokeLicensesResult(cancelled, assigned);
    }
}

/// <summary>Typed call of <see cref="RevokeLicenses"/> from an orchestration.</summary>
public static class RevokeLicensesExtensions
{
    /// <summary>Schedules <see cref="RevokeLicenses"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<RevokeLicensesResult> RevokeLicensesAsync(
        this TaskOrchestrationContext context,
        RevokeLicensesInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<RevokeLicensesResult>(nameof(RevokeLicenses), input, options);
}
