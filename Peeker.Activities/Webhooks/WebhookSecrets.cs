using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// Makes webhook secrets (<c>whsec_</c> + 32 random bytes, base64url) and encrypts them at rest with AES-GCM under
/// <c>Peeker:EncryptionKey</c>. The ciphertext is bound to its row (partner and environment) through the associated
/// data, so a ciphertext copied to another partner's row does not decrypt. Secrets are never logged.
/// </summary>
public sealed class WebhookSecrets
{
    /// <summary>Prefix of every webhook secret.</summary>
    public const string Prefix = "whsec_";

    private readonly byte[] _key;

    public WebhookSecrets(IOptions<WebhookOptions> options)
    {
        ArgumentNullException.ThrowIfNull(options);
        byte[] key;
        try
        {
            key = Convert.FromBase64String(options.Value.EncryptionKey);
        }
        catch (FormatException)
        {
            throw new InvalidOperationException("Peeker:EncryptionKey must be base64 of 32 bytes.");
        }

        if (key.Length != 32)
        {
            throw new InvalidOperationException("Peeker:EncryptionKey must be base64 of 32 bytes.");
        }

        _key = key;
    }

    /// <summary>A fresh secret.</summary>
    public static string NewSecret() =>
        Prefix + Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    /// <summary>The secret sealed for <paramref name="context"/> (<see cref="SealedBox"/>).</summary>
    public string Protect(string secret, string context) => SealedBox.Seal(_key, Encoding.UTF8.GetBytes(secret), context);

    /// <summary>The secret <see cref="Protect"/> sealed with the same <paramref name="context"/>.</summary>
    public string Unprotect(string protectedSecret, string context) =>
        Encoding.UTF8.GetString(SealedBox.Open(_key, protectedSecret, context));
}
