using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Partners;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Swaps;

/// <summary>
/// The premium swap limits (spec section 8.3), reads only. Quota: the inboxes of the partner's running premium swaps
/// (old domains kept warm) plus this one may not exceed the plan tier's share (<see cref="PlanTiers"/>) of the partner's
/// active Microsoft inboxes (inboxes on connected Microsoft domains of its orders, in this environment). Cooldown: a
/// domain that was the old or the new domain of a premium swap (not failed) started less than
/// <see cref="SwapOptions.PremiumCooldown"/> ago cannot be premium-swapped again. Either refusal is 409
/// <c>premium_swap_limit</c> with <c>details.limit</c> and <c>details.frees_at</c>.
/// </summary>
public sealed class SwapRules(
    SwapStore swaps,
    OrderStore orders,
    DomainStore domains,
    PartnerStore partners,
    IOptions<SwapOptions> options,
    TimeProvider time
)
{
    /// <summary>
    /// The domain a swap (domain or user names) may work on now: the caller's (404 <c>not_found</c>), connected and
    /// active on a completed order (409 <c>domain_not_swappable</c> saying <paramref name="refusal"/>), with inboxes when
    /// <paramref name="needsInboxes"/>, and no other swap at work on it (409 <c>domain_swap_in_progress</c>). Reads only.
    /// </summary>
    public async Task<SwappableDomain> SwappableAsync(
        ProviderScope scope,
        string domainId,
        bool needsInboxes,
        string refusal,
        CancellationToken cancellationToken
    )
    {
        var (env, partnerId) = (scope.Environment, scope.PartnerId);
        var domain =
            await domains.GetAsync(env, partnerId, domainId, cancellationToken)
            ?? throw new ApiException(404, ErrorCodes.NotFound, "No domain with that id in this account.", "domain_id");
        var order = domain.OrderId is null ? null : await orders.GetAsync(env, partnerId, domain.OrderId, cancellationToken);
        var onOrder = order?.Domains.FirstOrDefault(d => d.Id == domain.Id);
        if (
            domain.Category != "connected"
            || domain.Status != DomainStatus.Active
            || order is null
            || onOrder is null
            || (needsInboxes && onOrder.Inboxes is not { Count: > 0 })
            || order.Status is not (OrderStatus.Completed or OrderStatus.ActionRequired)
        )
        {
            throw new ApiException(
                409,
                ErrorCodes.DomainNotSwappable,
                refusal,
                "domain_id",
                new Dictionary<string, object?> { ["status"] = domain.Status, ["order_status"] = order?.Status }
            );
        }

        if (await swaps.ClaimOfAsync(env, partnerId, domain.Id, cancellationToken) is { } running)
        {
            throw Busy(running);
        }

        return new SwappableDomain(domain, order, onOrder);
    }

    /// <summary>409 <c>domain_swap_in_progress</c> naming the swap that holds the domain.</summary>
    public static ApiException Busy(string swapId) =>
        new(
            409,
            ErrorCodes.DomainSwapInProgress,
            "Another swap is still working on this domain.",
            "domain_id",
            new Dictionary<string, object?> { ["swap_id"] = swapId }
        );

    /// <summary>Throws <c>premium_swap_limit</c> when a premium swap of <paramref name="domainId"/> (<paramref name="inboxes"/> inboxes) is over a limit.</summary>
    public async Task CheckPremiumAsync(ProviderScope scope, string domainId, int inboxes, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var premium = await swaps.AllOfTypeAsync(scope.Environment, scope.PartnerId, SwapType.Premium, cancellationToken);
        var last = premium
            .Where(s => s.Status != SwapStatus.Failed && (s.DomainId == domainId || s.ReplacementDomainId == domainId))
            .OrderByDescending(s => s.CreatedAt)
            .FirstOrDefault();
        if (last is not null && last.CreatedAt + options.Value.PremiumCooldown > now)
        {
            throw new ApiException(
                409,
                ErrorCodes.PremiumSwapLimit,
                "This domain had a premium swap less than 30 days ago.",
                "domain_id",
                new Dictionary<string, object?>
                {
                    ["limit"] = "cooldown",
                    ["swap_id"] = last.Id,
                    ["frees_at"] = PeekerJson.Format(last.CreatedAt + options.Value.PremiumCooldown),
                }
            );
        }

        var tier = (await partners.GetAsync(scope.PartnerId, cancellationToken))?.PlanTier ?? PlanTiers.Base;
        var percent = PlanTiers.PremiumSwapPercent(tier);
        var active = await ActiveMicrosoftInboxesAsync(scope, cancellationToken);
        var quota = active * percent / 100;
        var running = premium.Where(s => !SwapStatus.IsFinished(s.Status)).ToList();
        var inUse = running.Sum(s => s.InboxCount);
        if (inUse + inboxes > quota)
        {
            var frees = running
                .Select(s => s.WarmUntil ?? s.CreatedAt + options.Value.WarmPeriod)
                .Order()
                .Select(t => (DateTimeOffset?)t)
                .FirstOrDefault();
            throw new ApiException(
                409,
                ErrorCodes.PremiumSwapLimit,
                $"Premium swaps may keep {percent}% of the active Microsoft inboxes warm at once ({quota}); this swap needs {inboxes} more than the {inUse} in use.",
                "type",
                new Dictionary<string, object?>
                {
                    ["limit"] = "quota",
                    ["plan_tier"] = tier,
                    ["percent"] = percent,
                    ["active_microsoft_inboxes"] = active,
                    ["quota_inboxes"] = quota,
                    ["in_use_inboxes"] = inUse,
                    ["requested_inboxes"] = inboxes,
                    ["frees_at"] = frees is { } at ? PeekerJson.Format(at) : null,
                }
            );
        }
    }

    /// <summary>Inboxes on connected Microsoft domains of the partner's orders.</summary>
    private async Task<int> ActiveMicrosoftInboxesAsync(ProviderScope scope, CancellationToken cancellationToken)
    {
        var total = 0;
        string? after = null;
        do
        {
            var page = await orders.ListAsync(
                scope.Environment,
                scope.PartnerId,
                new OrderFilter(null, null, null),
                new PageRequest(100, after),
                cancellationToken
            );
            total += page
                .Items.Where(o => !OrderStatus.IsCancelling(o.Status))
                .SelectMany(o => o.Domains)
                .Where(d => d.Provider == "microsoft" && d.Status == "connected")
                .Sum(d => d.Inboxes?.Count ?? 0);
            after = page.NextAfter;
        } while (after is not null);
        return total;
    }
}

/// <summary>A domain a swap may work on, its order and its entry on the order.</summary>
public sealed record SwappableDomain(DomainRecord Domain, Order Order, OrderDomain OnOrder);
