using Microsoft.DurableTask;
using Peeker.Activities.Smartlead;

namespace Peeker.Activities.Swaps;

public sealed record UpdateSequencerInboxInput(SwapRef Swap, string OldEmail, string NewEmail, string DisplayName);

/// <summary><see cref="Found"/> is false when the customer's Smartlead has no account for the inbox (nothing to update).</summary>
public sealed record UpdateSequencerInboxResult(bool Found, long? AccountId);

/// <summary>
/// Points a renamed inbox's Smartlead account at its new identity (<c>POST /email-accounts/{id}</c>: sender name,
/// address and login name). The account keeps its id, warmup history and password.
/// </summary>
/// <remarks>
/// Idempotent per mailbox: the account is looked up under the old address or, after an earlier try, the new one, and the
/// same absolute values are written again.
/// </remarks>
public sealed class UpdateSequencerInbox(ISmartleadClientFactory smartlead)
    : TaskActivity<UpdateSequencerInboxInput, UpdateSequencerInboxResult>
{
    public override async Task<UpdateSequencerInboxResult> RunAsync(TaskActivityContext context, UpdateSequencerInboxInput input)
    {
        var ct = CancellationToken.None;
        var client = smartlead.Create(input.Swap.Scope);
        var accounts = await client.ListEmailAccountsAsync(ct);
        var account =
            accounts.FirstOrDefault(a => string.Equals(a.FromEmail, input.OldEmail, StringComparison.OrdinalIgnoreCase))
            ?? accounts.FirstOrDefault(a => string.Equals(a.FromEmail, input.NewEmail, StringComparison.OrdinalIgnoreCase));
        if (account is null)
        {
            return new UpdateSequencerInboxResult(false, null);
        }

        var updated = await client.UpdateEmailAccountAsync(
            account.Id,
            new SmartleadAccountUpdate(input.DisplayName, input.NewEmail, input.NewEmail),
            ct
        );
        return new UpdateSequencerInboxResult(true, updated.Id);
    }
}

/// <summary>Typed call of <see cref="UpdateSequencerInbox"/> from an orchestration.</summary>
public static class UpdateSequencerInboxExtensions
{
    /// <summary>Schedules <see cref="UpdateSequencerInbox"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<UpdateSequencerInboxResult> UpdateSequencerInboxAsync(
        this TaskOrchestrationContext context,
        UpdateSequencerInboxInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<UpdateSequencerInboxResult>(nameof(UpdateSequencerInbox), input, options);
}
