using Microsoft.Extensions.Logging;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Orders;

/// <summary>
/// <c>POST /orders/{id}/retry</c>: puts a <c>failed</c> order back to <c>in_progress</c> (failure cleared, provisioning
/// attempt + 1) and starts that attempt's provisioning. The attempt re-runs every step; each activity is keyed by the
/// order and the domain, mailbox or event it acts on, so what the failed run already bought is found, not bought again.
/// Pending actions still open keep blocking: the resumed order is <c>action_required</c> (back to <c>in_progress</c>
/// once they are resolved) and each open action's re-check loop, stopped by the failure, starts again.
/// </summary>
/// <remarks>
/// Only a <c>failed</c> order is retried (409 <c>order_not_failed</c> otherwise, also for the loser of two concurrent
/// retries): the status flip is one ETag-guarded write. If the engine refuses the start, the order goes back to
/// <c>failed</c> with its failure and the partner gets 500 <c>internal_error</c>, so a retry can be sent again.
/// </remarks>
public sealed class OrderRetry(OrderStore orders, IOrderWorkflows workflows, ILogger<OrderRetry> logger)
{
    /// <summary>Retries the partner's failed order <paramref name="orderId"/>; returns the order as it now is.</summary>
    public async Task<Order> RetryAsync(ProviderScope scope, string orderId, CancellationToken cancellationToken)
    {
        var order =
            await orders.GetAsync(scope.Environment, scope.PartnerId, orderId, cancellationToken) ?? throw ApiException.NotFound("order");
        Order? before = null;
        var updated = await orders.UpdateAsync(
            scope.Environment,
            orderId,
            o =>
            {
                before = o.Status == OrderStatus.Failed ? o : null;
                if (before is null)
                {
                    return o;
                }

                var resumed = o with
                {
                    Status = OrderStatus.InProgress,
                    Failure = null,
                    ProvisioningAttempt = o.ProvisioningAttempt + 1,
                    StatusBeforeAction = null,
                };
                // Actions still open keep blocking: the resumed order is action_required until they are resolved.
                return (o.OpenActions ?? []).Aggregate(resumed, (order, action) => order.WithOpenAction(action));
            },
            cancellationToken
        );
        if (before is null || updated is null)
        {
            var status = updated?.Status ?? order.Status;
            throw new ApiException(
                409,
                ErrorCodes.OrderNotFailed,
                $"Only a failed order can be retried; this one is {status}.",
                null,
                new Dictionary<string, object?> { ["status"] = status }
            );
        }

        try
        {
            await workflows.StartProvisioningRetryAsync(scope.Environment, orderId, updated.ProvisioningAttempt, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(
                ex,
                "Starting retry {Attempt} of order {OrderId} failed; the order stays failed",
                updated.ProvisioningAttempt,
                orderId
            );
            var failed = before;
            await orders.UpdateAsync(
                scope.Environment,
                orderId,
                o =>
                    o.ProvisioningAttempt == updated.ProvisioningAttempt && o.Status is OrderStatus.InProgress or OrderStatus.ActionRequired
                        ? o with
                        {
                            Status = OrderStatus.Failed,
                            Failure = failed.Failure,
                            ProvisioningAttempt = failed.ProvisioningAttempt,
                            StatusBeforeAction = null,
                        }
                        : o,
                CancellationToken.None
            );
            throw new ApiException(
                500,
                ErrorCodes.InternalError,
                "The retry could not be started; the order is still failed. Retry with backoff."
            );
        }

        try
        {
            // The failed attempt's renewal loop stopped when the order failed; this attempt gets its own.
            await workflows.StartRenewalsAsync(scope.Environment, orderId, updated.ProvisioningAttempt, CancellationToken.None);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogError(
                ex,
                "Starting the renewal loop of order {OrderId} (attempt {Attempt}) failed",
                orderId,
                updated.ProvisioningAttempt
            );
        }

        // The re-check loops of open actions stopped when the order failed: each gets a fresh one that checks at once.
        foreach (var action in updated.OpenActions ?? [])
        {
            try
            {
                await workflows.NotifyPendingActionFixAsync(scope.Environment, scope.PartnerId, action, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                // The action stays open and listed; the partner's resolve call starts its loop again.
                logger.LogError(ex, "Restarting the re-check of pending action {ActionId} of order {OrderId} failed", action, orderId);
            }
        }

        return updated;
    }
}
