using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

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

    private const int NonceSize = 12;
    private const int TagSize = 16;
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

    /// <summary>Base64 of nonce ‖ tag ‖ ciphertext.</summary>
    public string Protect(string secret, string context)
    {
        var plain = Encoding.UTF8.GetBytes(secret);
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(_key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return Convert.ToBase64String(output);
    }

    /// <summary>The secret <see cref="Protect"/> encrypted with the same <paramref name="context"/>.</summary>
    public string Unprotect(string protectedSecret, string context)
    {
        var input = Convert.FromBase64String(protectedSecret);
        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(_key, TagSize);
        aes.Decrypt(input.AsSpan(0, NonceSize), input.AsSpan(NonceSize + TagSize), input.AsSpan(NonceSize, TagSize), plain, Encoding.UTF8.GetBytes(context));
        return Encoding.UTF8.GetString(plain);
    }
}
