using Microsoft.DurableTask;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Swaps;

/// <summary><see cref="Inboxes"/>: the replacement's mailboxes, which need licences while the old domain's still hold theirs.</summary>
public sealed record AddSwapLicensesInput(SwapRef Swap, string TenantId, int Inboxes);

/// <summary>The licence quantity the order's Microsoft subscription now has.</summary>
public sealed record AddSwapLicensesResult(int Quantity);

/// <summary>
/// Raises the order's Microsoft 365 subscription (Partner Center quantity) by the replacement's inboxes before they are
/// created: the old domain's mailboxes keep their licences until the old domain is detached (at once for a standard
/// swap, after the warm period for a premium one), and then <see cref="RevokeLicenses"/> brings the quantity back down
/// to the licences still assigned.
/// </summary>
/// <remarks>
/// Spends money, exactly once per swap: the target quantity (the subscription's quantity, or the licences in use when
/// more, plus the replacement's inboxes) is recorded on the swap row before Partner Center is called, and every try sets
/// that recorded, absolute number, so a retried or redelivered call never adds twice. Compensation: <see cref="RevokeLicenses"/>.
/// </remarks>
public sealed class AddSwapLicenses(SwapStore swaps, IMicrosoftClientFactory microsoft)
    : TaskActivity<AddSwapLicensesInput, AddSwapLicensesResult>
{
    public override async Task<AddSwapLicensesResult> RunAsync(TaskActivityContext context, AddSwapLicensesInput input)
    {
        var (env, partnerId, ct) = (input.Swap.Environment, input.Swap.PartnerId, CancellationToken.None);
        var swap =
            await swaps.GetAsync(env, partnerId, input.Swap.SwapId, ct)
            ?? throw new InvalidOperationException($"Swap {input.Swap.SwapId} does not exist.");
        var client = microsoft.Create(input.Swap.Scope);
        var subscription =
            (await client.ListSubscriptionsAsync(input.TenantId, ct)).FirstOrDefault(s =>
                s.OfferId == EnsureMicrosoftTenant.CatalogItemId && s.Status != "suspended"
            )
            ?? throw new ProviderException(
                ProviderNames.Microsoft,
                "no_licence",
                $"Tenant {input.TenantId} has no active licence subscription.",
                isRetryable: false
            );
        var target = swap.LicensesRaisedTo;
        if (target is null)
        {
            var assigned = (await client.GetSubscribedSkusAsync(input.TenantId, ct)).Sum(s => s.Consumed);
            var wanted = Math.Max(subscription.Quantity, assigned) + input.Inboxes;
            var recorded = await swaps.UpdateAsync(
                env,
                partnerId,
                swap.Id,
                s => s.LicensesRaisedTo is null ? s with { LicensesRaisedTo = wanted } : s,
                ct
            );
            target = recorded?.LicensesRaisedTo ?? wanted;
        }

        if (subscription.Quantity != target)
        {
            await client.SetSubscriptionQuantityAsync(input.TenantId, subscription, target.Value, ct);
        }

        return new AddSwapLicensesResult(target.Value);
    }
}

/// <summary>Typed call of <see cref="AddSwapLicenses"/> from an orchestration.</summary>
public static class AddSwapLicensesExtensions
{
    /// <summary>Schedules <see cref="AddSwapLicenses"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<AddSwapLicensesResult> AddSwapLicensesAsync(
        this TaskOrchestrationContext context,
        AddSwapLicensesInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<AddSwapLicensesResult>(nameof(AddSwapLicenses), input, options);
}
