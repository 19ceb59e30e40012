using Microsoft.DurableTask;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;

namespace Peeker.Activities.Provisioning;

public sealed record RegisterSequencerAccountInput(OrderRef Order, MailProvider Provider, string Email, string DisplayName);

public sealed record RegisterSequencerAccountResult(string Email, long AccountId);

/// <summary>
/// Connects one inbox to the customer's Smartlead (Google: SMTP/IMAP with the derived inbox password; Microsoft: OAuth),
/// warmup on, under the
/// order's Smartlead client id. The sequencer login given on the order is loaded here from the encrypted store.
/// </summary>
/// <remarks>Idempotent: saving the same address again updates it; if Smartlead refuses the save, an account already listed for the address is taken as done.</remarks>
public sealed class RegisterSequencerAccount(
    ISmartleadClientFactory smartlead,
    ISequencerCredentialStore credentials,
    InboxPasswords passwords,
    MailboxOAuth oauth
) : TaskActivity<RegisterSequencerAccountInput, RegisterSequencerAccountResult>
{
    public override async Task<RegisterSequencerAccountResult> RunAsync(TaskActivityContext context, RegisterSequencerAccountInput input)
    {
        var ct = CancellationToken.None;
        var login = await credentials.GetAsync(input.Order.Environment, input.Order.OrderId, ct);
        var client = smartlead.Create(input.Order.Scope);
        var warmup = new SmartleadWarmup();
        var account =
            input.Provider == MailProvider.Google
                ? SmartleadEmailAccount.ForGoogle(
                    input.DisplayName,
                    input.Email,
                    await passwords.ForAsync(input.Order, input.Email, ct),
                    warmup,
                    login?.ClientId
                )
                : SmartleadEmailAccount.ForMicrosoft(
                    input.DisplayName,
                    input.Email,
                    await oauth.RefreshTokenForAsync(input.Order, input.Email, ct),
                    warmup,
                    login?.ClientId
                );
        SmartleadAccount saved;
        try
        {
            // Save first and look only when Smartlead refuses: Smartlead allows 60 requests a minute per key, and a
            // list before every save would double what an order spends of that budget.
            saved = await client.SaveEmailAccountAsync(account, ct);
        }
        catch (ProviderException ex) when (!ex.IsRetryable)
        {
            var existing = (await client.ListEmailAccountsAsync(ct)).FirstOrDefault(a =>
                string.Equals(a.FromEmail, input.Email, StringComparison.OrdinalIgnoreCase)
            );
            if (existing is null)
            {
                throw;
            }

            saved = existing;
        }

        return new RegisterSequencerAccountResult(input.Email, saved.Id);
    }
}

/// <summary>Typed call of <see cref="RegisterSequencerAccount"/> from an orchestration.</summary>
public static class RegisterSequencerAccountExtensions
{
    /// <summary>Schedules <see cref="RegisterSequencerAccount"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<RegisterSequencerAccountResult> RegisterSequencerAccountAsync(
        this TaskOrchestrationContext context,
        RegisterSequencerAccountInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<RegisterSequencerAccountResult>(nameof(RegisterSequencerAccount), input, options);
}
