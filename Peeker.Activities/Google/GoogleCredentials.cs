using System.Net;
using System.Text.Json;
using Google.Apis.Auth.OAuth2;
using Google.Apis.Auth.OAuth2.Responses;
using Google.Apis.Util;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Google;

/// <summary>
/// The OAuth scopes the reseller admin's delegated token carries. Each must be granted to the service account's client
/// id under domain-wide delegation in the reseller's Admin console (Security → API controls → Domain-wide delegation).
/// </summary>
public static class GoogleScopes
{
    /// <summary>Reseller API: customers and subscriptions.</summary>
    public const string Reseller = "https://www.googleapis.com/auth/apps.order";

    /// <summary>Directory API: users, aliases and photos of the customers' tenants.</summary>
    public const string DirectoryUser = "https://www.googleapis.com/auth/admin.directory.user";

    /// <summary>Directory API: the customers' domains (secondary domains, aliases).</summary>
    public const string DirectoryDomain = "https://www.googleapis.com/auth/admin.directory.domain";

    /// <summary>Site Verification API: TXT tokens and domain verification.</summary>
    public const string SiteVerification = "https://www.googleapis.com/auth/siteverification";

    /// <summary>Everything Peeker's Google client calls.</summary>
    public static readonly IReadOnlyList<string> All = [Reseller, DirectoryUser, DirectoryDomain, SiteVerification];
}

/// <summary>
/// A service account key as Google's console downloads it (<c>client_email</c>, <c>private_key</c>,
/// <c>private_key_id</c>, <c>token_uri</c>). <see cref="ToString"/> never shows the private key.
/// </summary>
public sealed record GoogleServiceAccountKey(string ClientEmail, string PrivateKey, string? PrivateKeyId, string TokenUri)
{
    /// <summary>Google's token endpoint, used when the key names none.</summary>
    public const string DefaultTokenUri = "https://oauth2.googleapis.com/token";

    /// <summary>Parses inline JSON (starts with <c>{</c>) or reads the file at that path; null when unusable.</summary>
    public static GoogleServiceAccountKey? Load(string? jsonOrPath)
    {
        if (string.IsNullOrWhiteSpace(jsonOrPath))
        {
            return null;
        }

        try
        {
            var json = jsonOrPath.TrimStart().StartsWith('{') ? jsonOrPath : File.ReadAllText(jsonOrPath);
            using var doc = JsonDocument.Parse(json);
            var root = doc.RootElement;
            string? Read(string name) => root.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            var email = Read("client_email");
            var key = Read("private_key");
            return string.IsNullOrEmpty(email) || string.IsNullOrEmpty(key)
                ? null
                : new(email, key, Read("private_key_id"), Read("token_uri") ?? DefaultTokenUri);
        }
        catch (Exception ex) when (ex is JsonException or IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>The key as Google's JSON key file.</summary>
    public string ToJson() =>
        JsonSerializer.Serialize(
            new Dictionary<string, string?>
            {
                ["type"] = "service_account",
                ["client_email"] = ClientEmail,
                ["private_key_id"] = PrivateKeyId,
                ["private_key"] = PrivateKey,
                ["token_uri"] = TokenUri,
            }
        );

    public override string ToString() => $"service account {ClientEmail}";
}

/// <summary>
/// Tokens of the reseller admin from Google.Apis.Auth: a service account credential with domain-wide delegation
/// (<c>sub</c> = the impersonated admin), exchanged at the key's token endpoint with the JWT-bearer grant. The library
/// caches the token and refreshes it before it expires.
/// </summary>
internal sealed class GoogleTokenSource(ServiceAccountCredential credential) : IAccessTokenSource
{
    public static GoogleTokenSource Create(
        GoogleServiceAccountKey key,
        string tokenUri,
        string user,
        IEnumerable<string> scopes,
        TimeProvider time,
        HttpMessageHandler tokenHandler
    ) =>
        new(
            new ServiceAccountCredential(
                new ServiceAccountCredential.Initializer(key.ClientEmail, tokenUri)
                {
                    User = user,
                    Scopes = scopes.ToList(),
                    KeyId = key.PrivateKeyId,
                    Clock = new TimeProviderClock(time),
                    HttpClientFactory = new HandlerHttpClientFactory(tokenHandler),
                }.FromPrivateKey(key.PrivateKey)
            )
        );

    public async ValueTask<string> GetTokenAsync(TokenTarget target, CancellationToken cancellationToken)
    {
        try
        {
            return await credential.GetAccessTokenForRequestAsync(cancellationToken: cancellationToken);
        }
        catch (TokenResponseException ex)
        {
            // invalid_grant (bad signature, unknown key, delegation not granted), unauthorized_client, invalid_scope:
            // the configuration is wrong and stays wrong until someone fixes it.
            var status = ex.StatusCode is { } s ? (int)s : (int?)null;
            var retryable = ex.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.RequestTimeout || status >= 500;
            throw new ProviderException(
                ProviderNames.Google,
                ex.Error?.Error ?? "auth_failed",
                $"Google's token endpoint refused the service account credentials ({ex.Error?.ErrorDescription ?? "no description"}).",
                retryable,
                statusCode: status,
                innerException: ex
            );
        }
        catch (HttpRequestException ex)
        {
            throw new ProviderException(
                ProviderNames.Google,
                "network_error",
                $"Google's token endpoint could not be reached ({ex.HttpRequestError}).",
                isRetryable: true,
                innerException: ex
            );
        }
    }

    /// <summary>Google's clock abstraction over the injected <see cref="TimeProvider"/> (token expiry, JWT iat/exp).</summary>
    private sealed class TimeProviderClock(TimeProvider time) : IClock
    {
        public DateTime Now => time.GetLocalNow().DateTime;

        public DateTime UtcNow => time.GetUtcNow().UtcDateTime;
    }

    /// <summary>
    /// Token requests go through our handler chain (telemetry, resilience, and in the sandbox its secret header). The
    /// credential creates its HTTP client once and keeps it, like the handler it is given.
    /// </summary>
    private sealed class HandlerHttpClientFactory(HttpMessageHandler handler) : global::Google.Apis.Http.HttpClientFactory
    {
        protected override HttpMessageHandler CreateHandler(global::Google.Apis.Http.CreateHttpClientArgs args) => handler;
    }
}
