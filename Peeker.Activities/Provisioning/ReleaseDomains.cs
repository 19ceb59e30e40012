using Microsoft.DurableTask;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;

namespace Peeker.Activities.Provisioning;

public sealed record ReleaseDomainsInput(OrderRef Order, IReadOnlyList<string> DomainIds);

public sealed record ReleaseDomainsResult(int Released, bool WholeOrder);

/// <summary>
/// Marks cancelled domains <c>cancelled</c> on the order (the order itself when none is left) and lowers the order's
/// <c>costs</c> by what they cost from this, the cancellation date (<see cref="OrderCostReduction"/>), returns them to the
/// partner's inventory (<c>available</c>, order fields cleared) and releases their "one active order" claims and the partner's ownership of the names, so they
/// can be ordered again (by any partner).
/// </summary>
/// <remarks>Idempotent: every write is absolute; releasing a released claim does nothing.</remarks>
public sealed class ReleaseDomains(OrderStore orders, DomainStore domains) : TaskActivity<ReleaseDomainsInput, ReleaseDomainsResult>
{
    public override async Task<ReleaseDomainsResult> RunAsync(TaskActivityContext context, ReleaseDomainsInput input)
    {
        var ct = CancellationToken.None;
        var env = input.Order.Environment;
        var ids = input.DomainIds.ToHashSet(StringComparer.Ordinal);
        var updated =
            await orders.UpdateAsync(
                env,
                input.Order.OrderId,
                o =>
                {
                    // Only domains not cancelled yet lower the costs, so a retried call changes nothing twice.
                    var leaving = o.Domains.Where(d => ids.Contains(d.Id) && d.Status != OrderStatus.Cancelled).ToList();
                    var list = o.Domains.Select(d => ids.Contains(d.Id) ? d with { Status = OrderStatus.Cancelled } : d).ToList();
                    return o with
                    {
                        Domains = list,
                        Status = list.All(d => d.Status == OrderStatus.Cancelled) ? OrderStatus.Cancelled : o.Status,
                        Costs = OrderCostReduction.Without(o, leaving),
                    };
                },
                ct
            ) ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        var names = updated.Domains.Where(d => ids.Contains(d.Id)).Select(d => d.Domain).ToList();
        foreach (var name in names)
        {
            foreach (var record in await domains.FindByNameAsync(env, updated.PartnerId, name, ct))
            {
                await domains.ReturnToInventoryAsync(env, updated.PartnerId, record.Id, ct);
            }
        }

        await domains.ReleaseAsync(env, updated.Id, names, ct);
        foreach (var name in names)
        {
            // The partner lets go of the name: another partner may now import or order it.
            await domains.ReleaseOwnershipAsync(env, name, updated.PartnerId, ct);
        }

        return new ReleaseDomainsResult(names.Count, updated.Status == OrderStatus.Cancelled);
    }
}

/// <summary>Typed call of <see cref="ReleaseDomains"/> from an orchestration.</summary>
public static class ReleaseDomainsExtensions
{
    /// <summary>Schedules <see cref="ReleaseDomains"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<ReleaseDomainsResult> ReleaseDomainsAsync(
        this TaskOrchestrationContext context,
        ReleaseDomainsInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<ReleaseDomainsResult>(nameof(ReleaseDomains), input, options);
}
