using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Microsoft;

/// <summary>
/// Entra's certificate credential check for <c>client_assertion_type=urn:ietf:params:oauth:client-assertion-type:jwt-bearer</c>:
/// the JWT names the client's certificate in its header (<c>x5t</c>: base64url SHA-1 thumbprint, or <c>x5t#S256</c>:
/// SHA-256), is signed with its private key (<c>RS256</c> or <c>PS256</c>), and carries <c>iss</c> = <c>sub</c> =
/// the client id, <c>aud</c> = the token endpoint it is posted to, and an unexpired <c>exp</c>. The certificate is the
/// one configured for the client id in <see cref="SandboxOptions.MicrosoftClientCertificates"/>.
/// </summary>
internal static class EntraClientAssertion
{
    public const string AssertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer";

    /// <summary>How far an assertion's <c>nbf</c> may be ahead of our clock.</summary>
    private static readonly TimeSpan ClockSkew = TimeSpan.FromMinutes(5);

    /// <summary>A refusal: Entra's AADSTS code and description.</summary>
    public sealed record Refusal(int Code, string Description);

    /// <summary>Null when <paramref name="assertion"/> proves <paramref name="clientId"/>; else why not.</summary>
    public static Refusal? Check(string assertion, string clientId, string? configuredCertificate, string tokenEndpoint, DateTimeOffset now)
    {
        if (assertion.Split('.') is not [var header, var payload, var signature])
        {
            return new Refusal(50027, "JWT token is invalid or malformed.");
        }

        using var certificate = Load(configuredCertificate);
        if (certificate is null)
        {
            return new Refusal(
                700027,
                $"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{clientId}'.]"
            );
        }

        JsonElement head,
            claims;
        byte[] signatureBytes;
        try
        {
            head = JsonDocument.Parse(SandboxTokens.FromBase64Url(header)).RootElement.Clone();
            claims = JsonDocument.Parse(SandboxTokens.FromBase64Url(payload)).RootElement.Clone();
            signatureBytes = SandboxTokens.FromBase64Url(signature);
        }
        catch (Exception ex) when (ex is FormatException or JsonException)
        {
            return new Refusal(50027, "JWT token is invalid or malformed.");
        }

        if (head.ValueKind != JsonValueKind.Object || claims.ValueKind != JsonValueKind.Object)
        {
            return new Refusal(50027, "JWT token is invalid or malformed.");
        }

        string? Text(JsonElement e, string name) =>
            e.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
#pragma warning disable CA5350 // x5t is by definition the SHA-1 thumbprint; it only names the certificate, the signature is checked with SHA-256.
        var sha1 = SandboxTokens.Base64Url(SHA1.HashData(certificate.RawData));
#pragma warning restore CA5350
        var sha256 = SandboxTokens.Base64Url(SHA256.HashData(certificate.RawData));
        var (x5t, x5tS256) = (Text(head, "x5t"), Text(head, "x5t#S256"));
        var named = (x5t is not null || x5tS256 is not null) && (x5t is null || x5t == sha1) && (x5tS256 is null || x5tS256 == sha256);
        var padding = Text(head, "alg") switch
        {
            "RS256" => RSASignaturePadding.Pkcs1,
            "PS256" => RSASignaturePadding.Pss,
            _ => null,
        };
        using var rsa = certificate.GetRSAPublicKey();
        if (
            !named
            || padding is null
            || rsa is null
            || !rsa.VerifyData(Encoding.ASCII.GetBytes(header + "." + payload), signatureBytes, HashAlgorithmName.SHA256, padding)
        )
        {
            return new Refusal(
                700027,
                $"Client assertion contains an invalid signature. [Reason - The key was not found., Thumbprint of key used by client: '{x5t ?? x5tS256}', Please visit the Azure Portal, Graph Explorer or directly use MS Graph to see configured keys for app Id '{clientId}'.]"
            );
        }

        if (Text(claims, "iss") != clientId || Text(claims, "sub") != clientId)
        {
            return new Refusal(
                700021,
                $"Client assertion application identifier doesn't match 'client_id' parameter. Review the documentation at https://learn.microsoft.com/entra/identity-platform/certificate-credentials."
            );
        }

        if (!string.Equals(Text(claims, "aud"), tokenEndpoint, StringComparison.OrdinalIgnoreCase))
        {
            return new Refusal(
                50013,
                $"Assertion failed signature validation. [Reason - The provided signature value did not match the expected signature value.] The audience in the assertion was '{Text(claims, "aud")}' and the expected audience is '{tokenEndpoint}'."
            );
        }

        // MSAL writes exp and nbf as JSON strings of seconds; other clients as numbers.
        long? Seconds(string name) =>
            claims.TryGetProperty(name, out var v)
            && (
                v.ValueKind == JsonValueKind.Number
                    ? v.TryGetInt64(out var n)
                    : v.ValueKind == JsonValueKind.String
                        && long.TryParse(
                            v.GetString(),
                            System.Globalization.NumberStyles.None,
                            System.Globalization.CultureInfo.InvariantCulture,
                            out n
                        )
            )
                ? n
                : null;
        var (exp, nbf) = (Seconds("exp"), Seconds("nbf"));
        if (exp is null || exp <= now.ToUnixTimeSeconds() || (nbf is { } notBefore && notBefore > (now + ClockSkew).ToUnixTimeSeconds()))
        {
            return new Refusal(700024, "Client assertion is not within its valid time range.");
        }

        return null;
    }

    /// <summary>The configured certificate: PEM, base64 DER, or a path to either; null when absent or unreadable.</summary>
    private static X509Certificate2? Load(string? configured)
    {
        if (string.IsNullOrWhiteSpace(configured))
        {
            return null;
        }

        try
        {
            var text =
                configured.Contains("-----BEGIN", StringComparison.Ordinal) || !File.Exists(configured)
                    ? configured
                    : File.ReadAllText(configured);
            return text.Contains("-----BEGIN", StringComparison.Ordinal)
                ? X509Certificate2.CreateFromPem(text)
                : X509CertificateLoader.LoadCertificate(Convert.FromBase64String(text.Trim()));
        }
        catch (Exception ex) when (ex is FormatException or CryptographicException or IOException)
        {
            return null;
        }
    }
}
