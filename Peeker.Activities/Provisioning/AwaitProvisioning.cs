using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Orders;

namespace Peeker.Activities.Provisioning;

public sealed record AwaitProvisioningInput(OrderRef Order);

/// <summary>How the order's provisioning ended (null when it never started).</summary>
public sealed record AwaitProvisioningResult(string? ProvisioningStatus);

/// <summary>
/// Lets a cancellation wait until the order's current <c>ProvisionOrder</c> orchestration (the order id, or the
/// instance of its latest retry: <see cref="ProvisioningInstances"/>) is no longer running, so undo steps never race the steps they undo (a mailbox created after it was deleted).
/// </summary>
/// <remarks>Read-only. Throws <see cref="NotReadyYetException"/> while provisioning runs, pends or is suspended; the caller polls through its retry policy.</remarks>
public sealed class AwaitProvisioning(DurableTaskClient client, OrderStore orders)
    : TaskActivity<AwaitProvisioningInput, AwaitProvisioningResult>
{
    public override async Task<AwaitProvisioningResult> RunAsync(TaskActivityContext context, AwaitProvisioningInput input)
    {
        var attempt =
            (await orders.GetByIdAsync(input.Order.Environment, input.Order.OrderId, CancellationToken.None))?.ProvisioningAttempt ?? 0;
        var instance = await client.GetInstanceAsync(
            ProvisioningInstances.Order(input.Order.OrderId, attempt),
            getInputsAndOutputs: false,
            CancellationToken.None
        );
        if (
            instance?.RuntimeStatus
            is OrchestrationRuntimeStatus.Running
                or OrchestrationRuntimeStatus.Pending
                or OrchestrationRuntimeStatus.Suspended
        )
        {
            throw new NotReadyYetException($"Provisioning of {input.Order.OrderId} is still {instance.RuntimeStatus}.");
        }

        return new AwaitProvisioningResult(instance?.RuntimeStatus.ToString());
    }
}

/// <summary>Typed call of <see cref="AwaitProvisioning"/> from an orchestration.</summary>
public static class AwaitProvisioningExtensions
{
    /// <summary>Schedules <see cref="AwaitProvisioning"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<AwaitProvisioningResult> AwaitProvisioningAsync(
        this TaskOrchestrationContext context,
        AwaitProvisioningInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<AwaitProvisioningResult>(nameof(AwaitProvisioning), input, options);
}
