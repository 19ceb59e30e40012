using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>Input of <see cref="PendingActionCheckOrchestrator"/>: the action and how many checks ran before this execution.</summary>
public sealed record PendingActionCheckInput(PeekerEnvironment Environment, string PartnerId, string ActionId, int Checks = 0);

/// <summary>
/// Keeps one open pending action under watch (instance id <see cref="InstanceId"/>, one per action): runs
/// <see cref="CheckPendingAction"/> (which retries the blocked step and resolves the row when it goes through), and
/// when the action is still open waits for the partner's fix (<see cref="FixSuppliedEvent"/>, raised by
/// <c>POST /orders/pending/{id}/resolve</c>) or the re-check interval, whichever comes first, then continues as new so
/// its history stays one check long.
/// </summary>
/// <remarks>
/// Side effects only in the activity (idempotent by action id). Ends when the action is resolved or its order no
/// longer needs it (cancelling, cancelled, failed). A check that fails after its retries is treated as "still open".
/// Unprocessed events are carried over by <c>ContinueAsNew</c>, so a fix that arrives mid-check is not lost.
/// Compensation: none.
/// </remarks>
public sealed class PendingActionCheckOrchestrator : TaskOrchestrator<PendingActionCheckInput, bool>
{
    /// <summary>The external event the resolve route raises after storing the partner's fix.</summary>
    public const string FixSuppliedEvent = "fix_supplied";

    /// <summary>Wait used when the check itself failed (no interval known).</summary>
    public static readonly TimeSpan FallbackInterval = TimeSpan.FromHours(1);

    /// <summary>The instance id of the loop watching <paramref name="actionId"/>.</summary>
    public static string InstanceId(string actionId) => $"{actionId}:check";

    public override async Task<bool> RunAsync(TaskOrchestrationContext context, PendingActionCheckInput input)
    {
        var checks = input.Checks + 1;
        CheckPendingActionResult result;
        try
        {
            result = await context.CheckPendingActionAsync(
                new CheckPendingActionInput(input.Environment, input.PartnerId, input.ActionId),
                ProvisioningRetries.Storage
            );
        }
        catch (TaskFailedException)
        {
            result = new CheckPendingActionResult(false, false, FallbackInterval);
        }

        context.SetCustomStatus(
            new
            {
                checks,
                done = result.Done,
                resolved = result.Resolved,
            }
        );
        if (result.Done)
        {
            return result.Resolved;
        }

        try
        {
            await context.WaitForExternalEvent<bool>(
                FixSuppliedEvent,
                result.NextCheckIn > TimeSpan.Zero ? result.NextCheckIn : FallbackInterval
            );
        }
        catch (TaskCanceledException)
        {
            // The interval passed without a fix: check again on our own.
        }

        context.ContinueAsNew(input with { Checks = checks }, preserveUnprocessedEvents: true);
        return false;
    }
}
