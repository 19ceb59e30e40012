using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Orders;

/// <summary>The answer to <c>POST /orders/{id}/cancel</c>.</summary>
public sealed record CancellationReceipt(
    string OrderId,
    DateTimeOffset ScheduledAt,
    DateTimeOffset CancelsAt,
    IReadOnlyList<OrderDomain> Domains
);

/// <summary>
/// Schedules a whole-order or per-domain cancellation for the end of the current renewal period and hands it to
/// the cancellation orchestration (<see cref="IOrderWorkflows.ScheduleCancellationAsync"/>). In the sandbox,
/// <see cref="PeekerOptions.SandboxCancellationDelay"/> can bring <c>cancels_at</c> forward so the whole cycle can be rehearsed.
/// A <c>failed</c> order is cancelled at once (<c>cancels_at</c> = now): nothing it bought is in use, so the undo
/// (mailboxes, zones, licences, the names' claims) runs immediately and the names can be ordered again.
/// </summary>
public sealed class OrderCancellation(
    OrderStore orders,
    DomainStore domainStore,
    IOrderWorkflows workflows,
    TimeProvider time,
    IOptions<PeekerOptions> options
)
{
    private static readonly string[] Cancellable =
    [
        OrderStatus.InProgress,
        OrderStatus.Completed,
        OrderStatus.ActionRequired,
        OrderStatus.Failed,
    ];

    /// <summary>Cancels <paramref name="domainRefs"/> (ids or names) or, when null, the whole order.</summary>
    public async Task<CancellationReceipt> CancelAsync(
        ProviderScope scope,
        string orderId,
        IReadOnlyList<string>? domainRefs,
        CancellationToken cancellationToken
    )
    {
        var order =
            await orders.GetAsync(scope.Environment, scope.PartnerId, orderId, cancellationToken) ?? throw ApiException.NotFound("order");
        if (!Cancellable.Contains(order.Status))
        {
            throw new ApiException(
                409,
                ErrorCodes.OrderNotCancellable,
                $"An order that is {order.Status} cannot be cancelled.",
                null,
                new Dictionary<string, object?> { ["status"] = order.Status }
            );
        }

        var live = order.Domains.Where(d => d.Status is not (OrderStatus.CancelScheduled or OrderStatus.Cancelled)).ToList();
        List<OrderDomain> chosen;
        if (domainRefs is null)
        {
            chosen = live;
        }
        else
        {
            chosen = [];
            for (var i = 0; i < domainRefs.Count; i++)
            {
                var match =
                    order.Domains.FirstOrDefault(d =>
                        d.Id == domainRefs[i]
                        || string.Equals(d.Domain, domainRefs[i].Trim().TrimEnd('.'), StringComparison.OrdinalIgnoreCase)
                    ) ?? throw ApiException.Invalid($"domains[{i}]", $"'{domainRefs[i]}' is not a domain of this order.");
                if (!live.Contains(match))
                {
                    throw new ApiException(
                        409,
                        ErrorCodes.OrderNotCancellable,
                        $"'{match.Domain}' is already cancelled or scheduled for cancellation.",
                        $"domains[{i}]"
                    );
                }

                if (!chosen.Contains(match))
                {
                    chosen.Add(match);
                }
            }
        }

        var now = time.GetUtcNow();
        var cancelsAt = order.RenewsAt;
        while (cancelsAt <= now)
        {
            // The renewal loop normally keeps renews_at ahead; if it lags (host down at the period's end) count on.
            cancelsAt = options.Value.NextRenewal(cancelsAt);
        }

        if (order.Status == OrderStatus.Failed)
        {
            cancelsAt = now;
        }

        if (scope.Environment == PeekerEnvironment.Test && options.Value.SandboxCancellationDelay is { } delay && now + delay < cancelsAt)
        {
            cancelsAt = now + delay;
        }

        var ids = chosen.Select(d => d.Id).ToHashSet(StringComparer.Ordinal);
        await orders.UpdateAsync(
            scope.Environment,
            orderId,
            o =>
            {
                var domains = o.Domains.Select(d => ids.Contains(d.Id) ? d with { Status = OrderStatus.CancelScheduled } : d).ToList();
                var whole = domains.All(d => d.Status is OrderStatus.CancelScheduled or OrderStatus.Cancelled);
                return o with
                {
                    Domains = domains,
                    Status = whole ? OrderStatus.CancelScheduled : o.Status,
                    CancelsAt = whole ? cancelsAt : o.CancelsAt,
                };
            },
            cancellationToken
        );
        foreach (var id in ids)
        {
            await domainStore.SetStatusAsync(scope.Environment, scope.PartnerId, id, OrderStatus.CancelScheduled, cancellationToken);
        }

        await workflows.ScheduleCancellationAsync(
            scope.Environment,
            orderId,
            domainRefs is null ? null : [.. ids],
            cancelsAt,
            cancellationToken
        );
        return new CancellationReceipt(orderId, now, cancelsAt, chosen);
    }
}
