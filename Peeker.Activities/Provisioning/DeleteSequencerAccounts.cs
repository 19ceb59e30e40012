using Microsoft.DurableTask;
using Peeker.Activities.Smartlead;

namespace Peeker.Activities.Provisioning;

public sealed record DeleteSequencerAccountsInput(OrderRef Order, PlannedDomain Domain);

/// <summary>How many of the domain's Smartlead accounts this call deleted (the rest were already gone, or never made).</summary>
public sealed record DeleteSequencerAccountsResult(string Domain, int Deleted);

/// <summary>
/// Removes a domain's inboxes from the customer's Smartlead (the undo of <see cref="RegisterSequencerAccount"/>):
/// <c>DELETE /email-accounts/{id}</c> for each account at the domain Smartlead lists (renamed addresses included), so a retired or cancelled
/// domain's mailboxes stop warming up and leave their campaigns.
/// </summary>
/// <remarks>
/// Runs before <see cref="DeleteInboxes"/> (a sequencer should never hold a mailbox that no longer exists). Only the
/// domain's own addresses are touched, never other accounts on the key. Idempotent: an address Smartlead no longer
/// lists is skipped, and a 404 on delete (an earlier try whose answer was lost) counts as deleted.
/// </remarks>
public sealed class DeleteSequencerAccounts(ISmartleadClientFactory smartlead)
    : TaskActivity<DeleteSequencerAccountsInput, DeleteSequencerAccountsResult>
{
    public override async Task<DeleteSequencerAccountsResult> RunAsync(TaskActivityContext context, DeleteSequencerAccountsInput input)
    {
        var ct = CancellationToken.None;
        var domain = input.Domain;
        // Every account at the domain: a user-name swap may have renamed the persona-derived addresses.
        var at = "@" + domain.Domain;
        var client = smartlead.Create(input.Order.Scope);
        var deleted = 0;
        foreach (
            var account in (await client.ListEmailAccountsAsync(ct)).Where(a =>
                a.FromEmail.EndsWith(at, StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            deleted += await client.DeleteEmailAccountAsync(account.Id, ct) ? 1 : 0;
        }

        return new DeleteSequencerAccountsResult(domain.Domain, deleted);
    }
}

/// <summary>Typed call of <see cref="DeleteSequencerAccounts"/> from an orchestration.</summary>
public static class DeleteSequencerAccountsExtensions
{
    /// <summary>Schedules <see cref="DeleteSequencerAccounts"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<DeleteSequencerAccountsResult> DeleteSequencerAccountsAsync(
        this TaskOrchestrationContext context,
        DeleteSequencerAccountsInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<DeleteSequencerAccountsResult>(nameof(DeleteSequencerAccounts), input, options);
}
