using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Activities.Orders;

/// <summary>The order to renew and the orchestration's current time (the activity never reads the wall clock for the decision).</summary>
public sealed record RenewOrderInput(string OrderId, PeekerEnvironment Environment, DateTime Now);

/// <summary><see cref="Stop"/> when the order no longer renews; otherwise the (possibly advanced) <see cref="RenewsAt"/> to wait for.</summary>
public sealed record RenewOrderResult(bool Stop, DateTimeOffset RenewsAt, int PeriodsAdvanced);

/// <summary>
/// One step of an order's renewal loop: while the order is live (<c>in_progress</c>, <c>completed</c>,
/// <c>action_required</c>) a <c>renews_at</c> that has been reached moves on by whole periods
/// (<see cref="PeekerOptions.NextRenewal"/>) until it is ahead of <see cref="RenewOrderInput.Now"/>. A cancelling,
/// cancelled, failed or missing order stops the loop and keeps its <c>renews_at</c> (a whole-order cancellation takes
/// effect at that date, <see cref="OrderCancellation"/>).
/// </summary>
/// <remarks>
/// Idempotent: the advance is computed from the stored <c>renews_at</c> and the orchestration's time, so a repeated
/// call finds the date already ahead and writes nothing. No event: the docs name none for renewals.
/// </remarks>
public sealed class RenewOrder(OrderStore orders, IOptions<PeekerOptions> options) : TaskActivity<RenewOrderInput, RenewOrderResult>
{
    public override async Task<RenewOrderResult> RunAsync(TaskActivityContext context, RenewOrderInput input)
    {
        var now = new DateTimeOffset(DateTime.SpecifyKind(input.Now, DateTimeKind.Utc));
        var advanced = 0;
        var stop = false;
        var updated = await orders.UpdateAsync(
            input.Environment,
            input.OrderId,
            o =>
            {
                advanced = 0;
                stop = o.Status is not (OrderStatus.InProgress or OrderStatus.Completed or OrderStatus.ActionRequired);
                var renewsAt = o.RenewsAt;
                while (!stop && renewsAt <= now)
                {
                    renewsAt = options.Value.NextRenewal(renewsAt);
                    advanced++;
                }

                return advanced == 0 ? o : o with { RenewsAt = renewsAt };
            },
            CancellationToken.None
        );
        return updated is null ? new RenewOrderResult(true, default, 0) : new RenewOrderResult(stop, updated.RenewsAt, advanced);
    }
}

/// <summary>Typed call of <see cref="RenewOrder"/> from an orchestration.</summary>
public static class RenewOrderExtensions
{
    /// <summary>Schedules <see cref="RenewOrder"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<RenewOrderResult> RenewOrderAsync(
        this TaskOrchestrationContext context,
        RenewOrderInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<RenewOrderResult>(nameof(RenewOrder), input, options);
}
