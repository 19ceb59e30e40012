using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// OAuth refresh tokens for Microsoft 365 mailboxes, which Smartlead connects over OAuth only (basic SMTP auth is off
/// in Microsoft 365). Sandbox mailboxes get a token the simulator accepts; live token acquisition (admin consent of
/// Peeker's app in the customer tenant) is not built yet, so live Microsoft mailboxes fail this step permanently with
/// <c>not_configured</c> rather than pretend.
/// </summary>
public sealed class MailboxOAuth(InboxPasswords passwords)
{
    /// <summary>A refresh token for <paramref name="email"/> on <paramref name="order"/>.</summary>
    public async Task<string> RefreshTokenForAsync(OrderRef order, string email, CancellationToken cancellationToken) => order.Environment == PeekerEnvironment.Test
        ? "sbx_rt_" + await passwords.ForAsync(order, "oauth:" + email, cancellationToken)
        : throw new ProviderException(ProviderNames.Microsoft, "not_configured", "Microsoft mailbox OAuth for Smartlead is not configured for live orders.", isRetryable: false);
}
