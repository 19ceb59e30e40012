using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// Inbox passwords, derived rather than stored, so they never travel through orchestration history and the activity
/// that registers the inbox with the sequencer can recompute them. The derivation is HMAC-SHA256 of the order id and
/// the address, under a per-environment key (HKDF of the configured key, so live and sandbox never share one): a
/// released address ordered again by anyone gets a new password, and what was left behind for the old one stops working.
/// The key id is recorded on the order at its first derivation, so keys can rotate under orders already running.
/// </summary>
public sealed class InboxPasswords(IOptions<ProvisioningOptions> options, OrderStore orders)
{
    /// <summary>The password of <paramref name="email"/> on <paramref name="order"/>, under the key id the order recorded.</summary>
    public async Task<string> ForAsync(OrderRef order, string email, CancellationToken cancellationToken) =>
        Derive(await KeyIdOfAsync(order, cancellationToken), order.Environment, order.OrderId, email);

    /// <summary>
    /// The password of <paramref name="email"/> on order <paramref name="orderId"/> in <paramref name="environment"/> under
    /// key <paramref name="keyId"/>: 24 URL-safe characters plus a fixed suffix meeting complexity rules.
    /// </summary>
    public string Derive(string keyId, PeekerEnvironment environment, string orderId, string email)
    {
        var key =
            options.Value.InboxPasswordKeyBytes(keyId)
            ?? throw new InvalidOperationException(
                $"{ProvisioningOptions.SectionName}:{nameof(ProvisioningOptions.InboxPasswordKeys)}:{keyId} is not configured; passwords of orders derived under it cannot be re-derived."
            );
        var environmentKey = HKDF.DeriveKey(
            HashAlgorithmName.SHA256,
            key,
            32,
            info: Encoding.UTF8.GetBytes("peeker/inbox-password/" + environment)
        );
        var mac = HMACSHA256.HashData(environmentKey, Encoding.UTF8.GetBytes(orderId + "\n" + email.ToLowerInvariant()));
        return Convert.ToBase64String(mac)[..24].Replace('+', 'k').Replace('/', 'q') + "#7a";
    }

    /// <summary>The key id of <paramref name="order"/>'s passwords: recorded on the order the first time (the current key).</summary>
    private async Task<string> KeyIdOfAsync(OrderRef order, CancellationToken cancellationToken)
    {
        var stored =
            await orders.GetByIdAsync(order.Environment, order.OrderId, cancellationToken)
            ?? throw new InvalidOperationException($"Order {order.OrderId} does not exist.");
        if (stored.InboxPasswordKeyId is { } recorded)
        {
            return recorded;
        }

        var current = options.Value.InboxPasswordKeyId;
        var updated = await orders.UpdateAsync(
            order.Environment,
            order.OrderId,
            o => o.InboxPasswordKeyId is null ? o with { InboxPasswordKeyId = current } : o,
            cancellationToken
        );
        return updated?.InboxPasswordKeyId ?? current;
    }
}
