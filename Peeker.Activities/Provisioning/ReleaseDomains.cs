using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record ReleaseDomainsInput(OrderRef Order, IReadOnlyList<string> DomainIds);

public sealed record ReleaseDomainsResult(int Released, bool WholeOrder);

/// <summary>
/// Marks cancelled domains <c>cancelled</c> on the order (the order itself when none is left), returns them to the
/// partner's inventory and releases their "one active order" claims, so they can be ordered again.
/// </summary>
/// <remarks>Idempotent: every write is absolute; releasing a released claim does nothing.</remarks>
public sealed class ReleaseDomains(OrderStore orders, DomainStore domains) : TaskActivity<ReleaseDomainsInput, ReleaseDomainsResult>
{
    public override async Task<ReleaseDomainsResult> RunAsync(TaskActivityContext context, ReleaseDomainsInput input)
    {
        var ct = context.CancellationToken;
        var env = input.Order.Environment;
        var ids = input.DomainIds.ToHashSet(StringComparer.Ordinal);
        var updated = await orders.UpdateAsync(env, input.Order.OrderId, o =>
        {
            var list = o.Domains.Select(d => ids.Contains(d.Id) ? d with { Status = OrderStatus.Cancelled } : d).ToList();
            return o with { Domains = list, Status = list.All(d => d.Status == OrderStatus.Cancelled) ? OrderStatus.Cancelled : o.Status };
        }, ct) ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        var names = updated.Domains.Where(d => ids.Contains(d.Id)).Select(d => d.Domain).ToList();
        foreach (var name in names)
        {
            foreach (var record in await domains.FindByNameAsync(env, updated.PartnerId, name, ct))
            {
                await domains.SetStatusAsync(env, updated.PartnerId, record.Id, "ready", ct, category: "inventory");
            }
        }

        await domains.ReleaseAsync(env, updated.Id, names, ct);
        return new ReleaseDomainsResult(names.Count, updated.Status == OrderStatus.Cancelled);
    }
}
