using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// Inbox passwords, derived (HMAC-SHA256 of the address under a configured secret) rather than stored, so they never
/// travel through orchestration history and the activity that registers the inbox with the sequencer can recompute them.
/// </summary>
public sealed class InboxPasswords(IOptions<ProvisioningOptions> options)
{
    /// <summary>The password of <paramref name="email"/>: 24 URL-safe characters plus a fixed suffix meeting complexity rules.</summary>
    public string For(string email)
    {
        var key = Convert.FromBase64String(options.Value.InboxPasswordKey);
        var mac = HMACSHA256.HashData(key, Encoding.UTF8.GetBytes(email.ToLowerInvariant()));
        return Convert.ToBase64String(mac)[..24].Replace('+', 'k').Replace('/', 'q') + "#7a";
    }
}
