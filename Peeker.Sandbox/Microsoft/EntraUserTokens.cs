using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Microsoft;

/// <summary>
/// Entra's <c>grant_type=refresh_token</c> for Partner Center's app+user flow: the app (already authenticated by secret
/// or certificate) presents the refresh token its partner's admin consented with once — <c>sbxrt_</c> +
/// base64url(HMAC-SHA256(shared secret, <c>microsoft-refresh-token:{partnerId}</c>)) — or one this endpoint issued
/// since, and gets a Partner Center access token carrying the user, a new (rotated) refresh token, and the
/// <c>id_token</c>/<c>client_info</c> MSAL files the account under.
/// </summary>
internal static class EntraUserTokens
{
    public const string PartnerCenterUserScope = "https://api.partnercenter.microsoft.com/user_impersonation";
    private const string PartnerCenterDefaultScope = "https://api.partnercenter.microsoft.com/.default";
    private const string RefreshAudience = "entra-refresh";

    /// <summary>The admin consent's refresh token of <paramref name="partner"/>'s app.</summary>
    public static string ConsentRefreshToken(string sharedSecret, string partner) =>
        "sbxrt_"
        + SandboxTokens.Base64Url(
            HMACSHA256.HashData(Encoding.UTF8.GetBytes(sharedSecret), Encoding.UTF8.GetBytes("microsoft-refresh-token:" + partner))
        );

    /// <summary>The user a refresh token signs in for the partner's app; null when it is not one of its refresh tokens.</summary>
    private static string? UserOf(string given, string partner, SandboxOptions options, SandboxTokens tokens)
    {
        var consent = ConsentRefreshToken(options.Secret ?? "", partner);
        if (
            CryptographicOperations.FixedTimeEquals(
                SHA256.HashData(Encoding.UTF8.GetBytes(given)),
                SHA256.HashData(Encoding.UTF8.GetBytes(consent))
            )
        )
        {
            return "admin@" + partner + ".sandbox.peeker.test";
        }

        return tokens.Validate(given, RefreshAudience) is { User: { } user } grant && grant.Partner == partner ? user : null;
    }

    public static IResult Refresh(
        IFormCollection form,
        string tenant,
        string clientId,
        string partner,
        SandboxOptions options,
        SandboxTokens tokens
    )
    {
        if (UserOf(form["refresh_token"].ToString(), partner, options, tokens) is not { } user)
        {
            return MicrosoftEntra.Error(
                400,
                "invalid_grant",
                9002313,
                "Invalid request. Request is malformed or invalid. The refresh token is not valid for this application, or has expired."
            );
        }

        var scopes = form["scope"].ToString().Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (!scopes.Contains(PartnerCenterUserScope) && !scopes.Contains(PartnerCenterDefaultScope))
        {
            return MicrosoftEntra.Error(
                400,
                "invalid_scope",
                70011,
                $"The provided value for the input parameter 'scope' is not valid. The scope {form["scope"]} is not valid."
            );
        }

        var (access, expiresIn) = tokens.Issue(new SandboxTokenGrant("partnercenter", partner, null, user));
        var (refresh, _) = tokens.Issue(new SandboxTokenGrant(RefreshAudience, partner, null, user), options.RefreshTokenLifetime);
        var (oid, tid) = (Id("user:" + user), Id("tenant:" + partner));
        return Results.Json(
            new Dictionary<string, object>
            {
                ["token_type"] = "Bearer",
                ["scope"] = scopes.Contains(PartnerCenterUserScope) ? PartnerCenterUserScope : PartnerCenterDefaultScope,
                ["expires_in"] = expiresIn,
                ["ext_expires_in"] = expiresIn,
                ["access_token"] = access,
                ["refresh_token"] = refresh,
                ["client_info"] = Segment(new Dictionary<string, string> { ["uid"] = oid, ["utid"] = tid }),
                ["id_token"] =
                    Segment(new Dictionary<string, string> { ["alg"] = "none", ["typ"] = "JWT" })
                    + "."
                    + Segment(
                        new Dictionary<string, object>
                        {
                            ["aud"] = clientId,
                            ["iss"] = $"https://sandbox.peeker.test/{tid}/v2.0",
                            ["tid"] = tid,
                            ["oid"] = oid,
                            ["sub"] = oid,
                            ["preferred_username"] = user,
                            ["name"] = "Partner Center admin",
                            ["ver"] = "2.0",
                            ["exp"] = tokens.UtcNow.AddSeconds(expiresIn).ToUnixTimeSeconds(),
                        }
                    )
                    + ".",
            }
        );
    }

    private static string Segment<T>(T value) => SandboxTokens.Base64Url(JsonSerializer.SerializeToUtf8Bytes(value));

    /// <summary>A stable GUID for a name (Entra object and tenant ids are GUIDs).</summary>
    private static string Id(string name) => new Guid(SHA256.HashData(Encoding.UTF8.GetBytes(name))[..16]).ToString();
}
