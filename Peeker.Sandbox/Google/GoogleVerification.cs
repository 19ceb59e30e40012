using System.Security.Cryptography;
using System.Text;
using Peeker.Sandbox.State;

namespace Peeker.Sandbox.Google;

/// <summary>Site Verification API: DNS_TXT tokens, verified once the TXT exists in the sandbox Cloudflare zone.</summary>
internal static class GoogleVerification
{
    public static async Task<IResult> TokenAsync(HttpContext http, SandboxStore store, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var domain = body?["site"]?["identifier"]?.GetValue<string>()?.ToLowerInvariant();
        if (
            string.IsNullOrEmpty(domain)
            || body?["site"]?["type"]?.GetValue<string>() != "INET_DOMAIN"
            || body["verificationMethod"]?.GetValue<string>() != "DNS_TXT"
        )
        {
            return GoogleSimulator.Error(
                400,
                "invalid",
                "site.type INET_DOMAIN, site.identifier and verificationMethod DNS_TXT are required by the sandbox."
            );
        }

        var token =
            "google-site-verification="
            + Convert
                .ToBase64String(SHA256.HashData(Encoding.UTF8.GetBytes(partner + "|" + domain)))
                .Replace('+', '-')
                .Replace('/', '_')
                .TrimEnd('=');
        await store.UpsertAsync(partner, SandboxKinds.GoogleToken, domain, new GoogleTokenState(domain, token), ct);
        return GoogleSimulator.Json(new { method = "DNS_TXT", token });
    }

    public static async Task<IResult> VerifyAsync(HttpContext http, SandboxStore store, string? verificationMethod, CancellationToken ct)
    {
        var partner = GoogleSimulator.Partner(http);
        var body = await GoogleSimulator.BodyAsync(http.Request, ct);
        var domain = body?["site"]?["identifier"]?.GetValue<string>()?.ToLowerInvariant();
        if (string.IsNullOrEmpty(domain) || verificationMethod != "DNS_TXT")
        {
            return GoogleSimulator.Error(400, "invalid", "site.identifier and ?verificationMethod=DNS_TXT are required.");
        }

        var token = await store.GetAsync<GoogleTokenState>(partner, SandboxKinds.GoogleToken, domain, ct);
        if (token is null || !(await SandboxDns.TxtAsync(store, partner, domain, ct)).Contains(token.Token))
        {
            return GoogleSimulator.Error(400, "badRequest", "The necessary verification token could not be found on your site.");
        }

        await store.UpsertAsync(partner, SandboxKinds.GoogleVerified, domain, token, ct);
        return GoogleSimulator.Json(
            new
            {
                id = "dns%3A%2F%2F" + domain,
                site = new { type = "INET_DOMAIN", identifier = domain },
                owners = Array.Empty<string>(),
            }
        );
    }
}
