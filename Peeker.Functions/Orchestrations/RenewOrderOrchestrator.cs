using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>Input of <see cref="RenewOrderOrchestrator"/>: the order and the renewals made by earlier executions.</summary>
public sealed record RenewOrderLoopInput(string OrderId, PeekerEnvironment Environment, int Renewals = 0);

/// <summary>
/// An order's renewal loop (instance id <see cref="InstanceId"/>, one per order and provisioning attempt): runs
/// <see cref="RenewOrder"/> (which moves <c>renews_at</c> on once it is reached), waits on a durable timer until the
/// (new) <c>renews_at</c> and continues as new, so its history stays one period long however long the order lives.
/// </summary>
/// <remarks>
/// Started by order placement (and by a retry of a failed order); stops when <see cref="RenewOrder"/> says the order no
/// longer renews (cancellation accepted, cancelled, failed). The timer and the instance are durable, so a host restart
/// changes nothing. Side effects only in the activity; compensation: none.
/// </remarks>
public sealed class RenewOrderOrchestrator : TaskOrchestrator<RenewOrderLoopInput, int>
{
    /// <summary>The loop's instance id for <paramref name="orderId"/> and provisioning attempt <paramref name="attempt"/>.</summary>
    public static string InstanceId(string orderId, int attempt) =>
        attempt == 0 ? $"{orderId}:renewals" : $"{orderId}:renewals:retry{attempt}";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, RenewOrderLoopInput input)
    {
        var result = await context.RenewOrderAsync(
            new RenewOrderInput(input.OrderId, input.Environment, context.CurrentUtcDateTime),
            ProvisioningRetries.Storage
        );
        var renewals = input.Renewals + result.PeriodsAdvanced;
        context.SetCustomStatus(
            new
            {
                renewals,
                renews_at = result.RenewsAt,
                stopped = result.Stop,
            }
        );
        if (result.Stop)
        {
            return renewals;
        }

        await context.CreateTimer(result.RenewsAt.UtcDateTime, CancellationToken.None);
        context.ContinueAsNew(input with { Renewals = renewals }, preserveUnprocessedEvents: false);
        return renewals;
    }
}
