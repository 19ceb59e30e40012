using System.Security.Cryptography;
using System.Text;

namespace Peeker.Activities.Common;

/// <summary>
/// Peeker's one at-rest encryption: AES-256-GCM under <c>Peeker:EncryptionKey</c>, the text
/// base64(nonce ‖ tag ‖ ciphertext), and a context string (the row the value belongs to) as associated data, so a value
/// copied to another row does not open.
/// </summary>
public static class SealedBox
{
    private const int NonceSize = 12;
    private const int TagSize = 16;

    /// <summary>Encrypts <paramref name="plain"/> for <paramref name="context"/>.</summary>
    public static string Seal(ReadOnlySpan<byte> key, ReadOnlySpan<byte> plain, string context)
    {
        var output = new byte[NonceSize + TagSize + plain.Length];
        var nonce = output.AsSpan(0, NonceSize);
        RandomNumberGenerator.Fill(nonce);
        using var aes = new AesGcm(key, TagSize);
        aes.Encrypt(nonce, plain, output.AsSpan(NonceSize + TagSize), output.AsSpan(NonceSize, TagSize), Encoding.UTF8.GetBytes(context));
        return Convert.ToBase64String(output);
    }

    /// <summary>The plain bytes <see cref="Seal"/> encrypted with the same key and <paramref name="context"/>; throws when either differs.</summary>
    public static byte[] Open(ReadOnlySpan<byte> key, string sealedText, string context)
    {
        ArgumentNullException.ThrowIfNull(sealedText);
        var input = Convert.FromBase64String(sealedText);
        if (input.Length < NonceSize + TagSize)
        {
            throw new CryptographicException("The sealed value is too short.");
        }

        var plain = new byte[input.Length - NonceSize - TagSize];
        using var aes = new AesGcm(key, TagSize);
        aes.Decrypt(
            input.AsSpan(0, NonceSize),
            input.AsSpan(NonceSize + TagSize),
            input.AsSpan(NonceSize, TagSize),
            plain,
            Encoding.UTF8.GetBytes(context)
        );
        return plain;
    }
}
