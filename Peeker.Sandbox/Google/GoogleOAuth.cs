using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.Options;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Google;

/// <summary>
/// Google's OAuth token endpoint for service accounts (<c>POST /token</c>, form <c>grant_type=urn:ietf:params:oauth:grant-type:jwt-bearer</c>
/// and <c>assertion</c>): the RS256 JWT must be signed by the configured service account's key, with <c>iss</c> its
/// <c>client_email</c>, <c>aud</c> Google's token URL (or this endpoint's), <c>sub</c> the impersonated reseller admin
/// (<c>{partnerId}@reseller.sandbox.peeker.test</c>: domain-wide delegation), known scopes, and an <c>iat</c>/<c>exp</c>
/// window of at most an hour around now. Errors are Google's <c>{error, error_description}</c> with 400.
/// </summary>
internal static class GoogleOAuth
{
    public const string AdminDomain = "@reseller.sandbox.peeker.test";

    /// <summary>Scopes the sandbox reseller admin delegated to the service account.</summary>
    private static readonly HashSet<string> GrantedScopes = new(StringComparer.Ordinal)
    {
        "https://www.googleapis.com/auth/apps.order",
        "https://www.googleapis.com/auth/admin.directory.user",
        "https://www.googleapis.com/auth/admin.directory.domain",
        "https://www.googleapis.com/auth/siteverification",
    };

    public static async Task<IResult> TokenAsync(
        HttpContext http,
        IOptions<SandboxOptions> options,
        SandboxTokens tokens,
        CancellationToken ct
    )
    {
        var form = http.Request.HasFormContentType ? await http.Request.ReadFormAsync(ct) : null;
        if (form?["grant_type"].ToString() != "urn:ietf:params:oauth:grant-type:jwt-bearer")
        {
            return Error("unsupported_grant_type", "Invalid grant_type: " + form?["grant_type"]);
        }

        if (PublicKey(options.Value.GoogleServiceAccountKey) is not { } account)
        {
            return Error("invalid_grant", "Invalid JWT Signature.");
        }

        using var rsa = account.Rsa;
        if (
            form["assertion"].ToString().Split('.') is not [var header, var payload, var signature]
            || !Verifies(rsa, header, payload, signature, out var claims)
        )
        {
            return Error("invalid_grant", "Invalid JWT Signature.");
        }

        string? Claim(string name) => claims.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        long Seconds(string name) => claims.TryGetProperty(name, out var v) && v.TryGetInt64(out var n) ? n : 0;
        var now = tokens.UtcNow.ToUnixTimeSeconds();
        var (iat, exp) = (Seconds("iat"), Seconds("exp"));
        if (iat == 0 || exp <= now || iat > now + 300 || exp - iat > 3600)
        {
            return Error(
                "invalid_grant",
                "Invalid JWT: Token must be a short-lived token (60 minutes) and in a reasonable timeframe. Check your iat and exp values in the JWT claim."
            );
        }

        // Google wants aud = its token URL (which Google.Apis.Auth sends whatever endpoint it posts to); this
        // endpoint's own URL is accepted too.
        var path = http.Request.PathBase + http.Request.Path;
        var aud = Claim("aud");
        var audOk =
            aud is "https://oauth2.googleapis.com/token" or "https://www.googleapis.com/oauth2/v4/token"
            || (Uri.TryCreate(aud, UriKind.Absolute, out var audUri) && audUri.AbsolutePath == path);
        if (Claim("iss") != account.ClientEmail || !audOk)
        {
            return Error("invalid_grant", "Invalid JWT: iss or aud does not match the service account and this token endpoint.");
        }

        var sub = Claim("sub");
        var scopes = (Claim("scope") ?? "").Split(' ', StringSplitOptions.RemoveEmptyEntries);
        if (
            sub is null
            || !sub.EndsWith(AdminDomain, StringComparison.OrdinalIgnoreCase)
            || sub.Length == AdminDomain.Length
            || scopes.Length == 0
            || !scopes.All(GrantedScopes.Contains)
        )
        {
            return Error(
                "unauthorized_client",
                "Client is unauthorized to retrieve access tokens using this method, or client not authorized for any of the scopes requested."
            );
        }

        var (token, expiresIn) = tokens.Issue(new SandboxTokenGrant("google", sub[..^AdminDomain.Length], null));
        return Results.Json(
            new Dictionary<string, object>
            {
                ["access_token"] = token,
                ["expires_in"] = expiresIn,
                ["token_type"] = "Bearer",
            }
        );
    }

    private static bool Verifies(RSA rsa, string header, string payload, string signature, out JsonElement claims)
    {
        claims = default;
        try
        {
            using (var h = JsonDocument.Parse(SandboxTokens.FromBase64Url(header)))
            {
                if (!h.RootElement.TryGetProperty("alg", out var alg) || alg.GetString() != "RS256")
                {
                    return false;
                }
            }

            if (
                !rsa.VerifyData(
                    Encoding.ASCII.GetBytes(header + "." + payload),
                    SandboxTokens.FromBase64Url(signature),
                    HashAlgorithmName.SHA256,
                    RSASignaturePadding.Pkcs1
                )
            )
            {
                return false;
            }

            claims = JsonDocument.Parse(SandboxTokens.FromBase64Url(payload)).RootElement.Clone();
            return claims.ValueKind == JsonValueKind.Object;
        }
        catch (Exception ex) when (ex is FormatException or JsonException or CryptographicException)
        {
            return false;
        }
    }

    /// <summary>The service account's email and public key from its JSON key (inline or a path); null when unusable.</summary>
    private static (string ClientEmail, RSA Rsa)? PublicKey(string? jsonOrPath)
    {
        if (string.IsNullOrWhiteSpace(jsonOrPath))
        {
            return null;
        }

        try
        {
            using var doc = JsonDocument.Parse(jsonOrPath.TrimStart().StartsWith('{') ? jsonOrPath : File.ReadAllText(jsonOrPath));
            var email = doc.RootElement.GetProperty("client_email").GetString()!;
            using var full = RSA.Create();
            full.ImportFromPem(doc.RootElement.GetProperty("private_key").GetString());
            var rsa = RSA.Create();
            rsa.ImportParameters(full.ExportParameters(includePrivateParameters: false));
            return (email, rsa);
        }
        catch (Exception ex)
            when (ex
                    is JsonException
                        or IOException
                        or KeyNotFoundException
                        or ArgumentException
                        or CryptographicException
                        or InvalidOperationException
            )
        {
            return null;
        }
    }

    private static IResult Error(string error, string description) =>
        Results.Json(new Dictionary<string, string> { ["error"] = error, ["error_description"] = description }, statusCode: 400);
}
