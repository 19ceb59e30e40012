using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// OAuth refresh tokens for Microsoft 365 mailboxes, which Smartlead connects over OAuth only (basic SMTP auth is off
/// in Microsoft 365). Sandbox mailboxes get a token the simulator accepts. Live ones would need Smartlead's interactive
/// OAuth consent, so order placement refuses live orders with Microsoft licences (<c>not_supported</c>); an order that
/// got here anyway fails this step permanently with <c>not_supported</c> rather than pretend.
/// </summary>
public sealed class MailboxOAuth(InboxPasswords passwords)
{
    /// <summary>A refresh token for <paramref name="email"/> on <paramref name="order"/>.</summary>
    public async Task<string> RefreshTokenForAsync(OrderRef order, string email, CancellationToken cancellationToken) =>
        order.Environment == PeekerEnvironment.Test
            ? "sbx_rt_" + await passwords.ForAsync(order, "oauth:" + email, cancellationToken)
            : throw new ProviderException(
                ProviderNames.Microsoft,
                "not_supported",
                "Smartlead connects Microsoft 365 mailboxes only through an interactive OAuth consent; live Microsoft mailboxes are not supported.",
                isRetryable: false
            );
}
