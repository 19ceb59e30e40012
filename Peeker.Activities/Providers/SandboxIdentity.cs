using System.Security.Cryptography;
using System.Text;
using Peeker.Activities.Google;

namespace Peeker.Activities.Providers;

/// <summary>
/// The sign-in identities of a sandbox partner at the simulated Google and Microsoft token endpoints. Like the other
/// sandbox credentials they carry the partner id (the simulators keep state per partner); the Microsoft client secret is
/// derived from the simulators' shared secret, so host and simulators agree without storing one per partner.
/// </summary>
public static class SandboxIdentity
{
    /// <summary>The Google reseller admin a sandbox partner's service account impersonates (the JWT's <c>sub</c>).</summary>
    public static string GoogleAdminUser(string partnerId) => partnerId + "@reseller.sandbox.peeker.test";

    /// <summary>The Entra app (client id) of a sandbox partner.</summary>
    public static string MicrosoftClientId(string partnerId) => "sbx_" + partnerId;

    /// <summary>
    /// The refresh token a sandbox partner's Partner Center admin "consented" with once (the app+user flow's
    /// <c>Providers:Microsoft:PartnerCenter:RefreshToken</c>): <c>sbxrt_</c> + base64url(HMAC-SHA256(shared secret,
    /// <c>microsoft-refresh-token:{partnerId}</c>)). The simulator computes the same value; it signs in
    /// <see cref="MicrosoftPartnerCenterAdmin"/>.
    /// </summary>
    public static string MicrosoftPartnerCenterRefreshToken(string sandboxSecret, string partnerId) =>
        "sbxrt_"
        + Base64Url(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(sandboxSecret), Encoding.UTF8.GetBytes("microsoft-refresh-token:" + partnerId))
        );

    /// <summary>The Partner Center admin user of a sandbox partner (the user of its app+user tokens).</summary>
    public static string MicrosoftPartnerCenterAdmin(string partnerId) => "admin@" + partnerId + ".sandbox.peeker.test";

    /// <summary>The partner tenant sandbox Partner Center tokens are asked for in.</summary>
    public const string MicrosoftPartnerTenant = "sandbox-partner";

    /// <summary>
    /// The client secret of <see cref="MicrosoftClientId"/>: <c>sbxcs_</c> + base64url(HMAC-SHA256(shared secret,
    /// <c>microsoft-client-secret:{partnerId}</c>)). The simulator computes the same value.
    /// </summary>
    public static string MicrosoftClientSecret(string sandboxSecret, string partnerId) =>
        "sbxcs_"
        + Base64Url(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(sandboxSecret), Encoding.UTF8.GetBytes("microsoft-client-secret:" + partnerId))
        );

    /// <summary>
    /// A fresh RSA-2048 service account key in Google's JSON key format, for a host whose simulators run in-process:
    /// the key lives only in this process's configuration.
    /// </summary>
    public static GoogleServiceAccountKey GenerateGoogleKey(string tokenUri)
    {
        using var rsa = RSA.Create(2048);
        return new GoogleServiceAccountKey(
            "peeker-sandbox@peeker-sandbox.iam.gserviceaccount.com",
            rsa.ExportPkcs8PrivateKeyPem(),
            Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(20)),
            tokenUri
        );
    }

    private static string Base64Url(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
