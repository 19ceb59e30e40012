using Microsoft.DurableTask;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;

namespace Peeker.Functions.Orchestrations;

/// <summary>How many rows of a user-name swap ended in each status.</summary>
public sealed record UserNameSwapOutcome(string BatchId, int Completed, int ActionRequired, int Failed);

/// <summary>
/// Runs a <c>POST /swaps/user_names</c> (instance id <c>{batch swap id}:user_names</c>): publishes <c>swap.created</c>
/// and <c>swap.in_progress</c> for every row, then per inbox, one after the other (Smartlead allows 60 calls a minute;
/// new names may free old ones in order), renames the mailbox (<see cref="RenameInbox"/>), updates its Smartlead account
/// (<see cref="UpdateSequencerInbox"/>) and ends the row with <c>swap.completed</c>, <c>swap.action_required</c> (the
/// profile picture is not reachable) or <c>swap.failed</c>. Finally the domain's swap claim is released.
/// </summary>
/// <remarks>
/// Rows complete independently: a failed rename or Smartlead update fails its row and the next row goes on. Every step is
/// idempotent per row, so a replay or a retried activity repeats nothing in effect.
/// </remarks>
public sealed class UserNameSwapOrchestrator : TaskOrchestrator<UserNameSwapInput, UserNameSwapOutcome>
{
    /// <summary>The instance id of the swap whose first row is <paramref name="batchId"/>.</summary>
    public static string InstanceId(string batchId) => batchId + ":user_names";

    public override async Task<UserNameSwapOutcome> RunAsync(TaskOrchestrationContext context, UserNameSwapInput input)
    {
        var plan = await context.LoadUserNameSwapAsync(input, ProvisioningRetries.Storage);
        foreach (var type in new[] { SwapEvents.Created, SwapEvents.InProgress })
        {
            foreach (var row in plan.Rows)
            {
                await PublishAsync(context, input, row.SwapId, type, null);
            }
        }

        var (completed, waiting, failed) = (0, 0, 0);
        foreach (var row in plan.Rows)
        {
            var status = await RenameAsync(context, input, plan, row);
            completed += status == SwapEvents.Completed ? 1 : 0;
            waiting += status == SwapEvents.ActionRequired ? 1 : 0;
            failed += status == SwapEvents.Failed ? 1 : 0;
        }

        await context.FinishUserNameSwapAsync(
            new FinishUserNameSwapInput(input.Row(input.BatchId), plan.DomainId),
            ProvisioningRetries.Storage
        );
        return new UserNameSwapOutcome(input.BatchId, completed, waiting, failed);
    }

    /// <summary>Renames one inbox and publishes the row's last event; returns that event's type.</summary>
    private static async Task<string> RenameAsync(
        TaskOrchestrationContext context,
        UserNameSwapInput input,
        LoadUserNameSwapResult plan,
        PlannedRename row
    )
    {
        RenameInboxResult renamed;
        try
        {
            renamed = await context.RenameInboxAsync(
                new RenameInboxInput(input.Row(row.SwapId), plan.OrderId, plan.Domain, plan.Provider, plan.MicrosoftTenantId, row),
                ProvisioningRetries.Provider
            );
        }
        catch (TaskFailedException)
        {
            return await PublishAsync(context, input, row.SwapId, SwapEvents.Failed, UserNameSwapReasons.RenameFailed);
        }

        try
        {
            await context.UpdateSequencerInboxAsync(
                new UpdateSequencerInboxInput(input.Row(row.SwapId), renamed.OldEmail, renamed.NewEmail, renamed.DisplayName),
                ProvisioningRetries.Sequencer
            );
        }
        catch (TaskFailedException)
        {
            return await PublishAsync(context, input, row.SwapId, SwapEvents.Failed, UserNameSwapReasons.SequencerFailed);
        }

        return renamed.PictureProblem is null
            ? await PublishAsync(context, input, row.SwapId, SwapEvents.Completed, null)
            : await PublishAsync(context, input, row.SwapId, SwapEvents.ActionRequired, UserNameSwapReasons.PictureNotAccessible);
    }

    private static async Task<string> PublishAsync(
        TaskOrchestrationContext context,
        UserNameSwapInput input,
        string swapId,
        string type,
        SwapReason? reason
    )
    {
        await context.PublishSwapEventAsync(new PublishSwapEventInput(input.Row(swapId), type, reason), ProvisioningRetries.Storage);
        return type;
    }
}
