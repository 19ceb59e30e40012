using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Google;

/// <summary>Base URLs and bearer token for one reseller account (live, or the sandbox partner's simulator account).</summary>
internal sealed record GoogleSettings(string ResellerBaseUrl, string DirectoryBaseUrl, string SiteVerificationBaseUrl);

/// <summary>Google Workspace reseller provisioning; error mapping lives in <see cref="ToException"/>.</summary>
internal sealed class GoogleWorkspaceClient(HttpClient http, GoogleSettings settings, ILogger<GoogleWorkspaceClient> logger)
    : ProviderClientBase(http, logger, ProviderNames.Google),
        IGoogleWorkspaceClient
{
    /// <summary>Google's quota answers arrive as 403 with these reasons; they clear with backoff.</summary>
    private static readonly HashSet<string> RetryableReasons =
    [
        "userRateLimitExceeded",
        "rateLimitExceeded",
        "quotaExceeded",
        "backendError",
    ];

    public async Task<GoogleCustomer> CreateCustomerAsync(GoogleCustomerInput c, CancellationToken cancellationToken)
    {
        var body = new GCustomer(
            null,
            c.Domain,
            c.AlternateEmail,
            new GPostalAddress(c.ContactName, c.OrganizationName, c.AddressLine1, c.Locality, c.Region, c.PostalCode, c.CountryCode),
            c.PhoneNumber,
            "domain"
        );
        var (created, status) = await CallAsync<GCustomer>(
            HttpMethod.Post,
            settings.ResellerBaseUrl + "/customers",
            body,
            cancellationToken,
            HttpStatusCode.Conflict
        );
        if (status != HttpStatusCode.Conflict && created?.CustomerId is { } id)
        {
            return new GoogleCustomer(id, created.CustomerDomain);
        }

        var (existing, _) = await CallAsync<GCustomer>(
            HttpMethod.Get,
            settings.ResellerBaseUrl + "/customers/" + Uri.EscapeDataString(c.Domain),
            null,
            cancellationToken
        );
        return new GoogleCustomer(existing!.CustomerId ?? "", existing.CustomerDomain, AlreadyExisted: true);
    }

    public async Task<GoogleSubscription> CreateSubscriptionAsync(
        string customerId,
        string skuId,
        string planName,
        int seats,
        CancellationToken cancellationToken
    )
    {
        var annual = planName.StartsWith("ANNUAL", StringComparison.Ordinal);
        var body = new GSubscription(
            null,
            customerId,
            skuId,
            new GPlan(planName),
            new GSeats(annual ? seats : null, annual ? null : seats),
            null
        );
        var baseUrl = $"{settings.ResellerBaseUrl}/customers/{Uri.EscapeDataString(customerId)}/subscriptions";
        var (created, status) = await CallAsync<GSubscription>(HttpMethod.Post, baseUrl, body, cancellationToken, HttpStatusCode.Conflict);
        if (status != HttpStatusCode.Conflict && created is not null)
        {
            return Map(created, alreadyExisted: false);
        }

        var (list, _) = await CallAsync<GSubscriptionList>(
            HttpMethod.Get,
            $"{settings.ResellerBaseUrl}/subscriptions?customerId={Uri.EscapeDataString(customerId)}",
            null,
            cancellationToken
        );
        var existing =
            list?.Subscriptions?.FirstOrDefault(s => s.SkuId == skuId)
            ?? throw new ProviderException(
                Provider,
                "duplicate",
                $"Subscription {skuId} reported as existing but not listed.",
                isRetryable: false
            );
        return Map(existing, alreadyExisted: true);
    }

    public async Task<string> GetVerificationTokenAsync(string domain, CancellationToken cancellationToken)
    {
        var (token, _) = await CallAsync<GTokenResponse>(
            HttpMethod.Post,
            settings.SiteVerificationBaseUrl + "/token",
            new GTokenRequest(new GSite("INET_DOMAIN", domain), "DNS_TXT"),
            cancellationToken
        );
        return token!.Token;
    }

    public async Task<bool> VerifyDomainAsync(string domain, CancellationToken cancellationToken)
    {
        // 400 here means "the token is not visible yet": a normal state while DNS propagates, not an error.
        var (_, status) = await CallAsync<JsonElement>(
            HttpMethod.Post,
            settings.SiteVerificationBaseUrl + "/webResource?verificationMethod=DNS_TXT",
            new GWebResource(new GSite("INET_DOMAIN", domain)),
            cancellationToken,
            HttpStatusCode.BadRequest
        );
        return status != HttpStatusCode.BadRequest;
    }

    public async Task<GoogleUserResult> CreateUserAsync(GoogleUserInput u, CancellationToken cancellationToken)
    {
        var body = new GUser(null, u.PrimaryEmail, new GUserName(u.GivenName, u.FamilyName), u.Password, u.ChangePasswordAtNextLogin);
        var (created, status) = await CallAsync<GUser>(
            HttpMethod.Post,
            settings.DirectoryBaseUrl + "/users",
            body,
            cancellationToken,
            HttpStatusCode.Conflict
        );
        return status == HttpStatusCode.Conflict
            ? new GoogleUserResult(null, u.PrimaryEmail, AlreadyExisted: true)
            : new GoogleUserResult(created?.Id, created?.PrimaryEmail ?? u.PrimaryEmail, AlreadyExisted: false);
    }

    public async Task<GoogleRenameResult> RenameUserAsync(GoogleRenameInput r, CancellationToken cancellationToken)
    {
        var name = new GUserName(r.GivenName, r.FamilyName);
        var (renamed, status) = await CallAsync<GUser>(
            HttpMethod.Put,
            UserUrl(r.CurrentEmail),
            new GUser(null, r.NewEmail, name, null, null),
            cancellationToken,
            HttpStatusCode.NotFound
        );
        if (status != HttpStatusCode.NotFound && renamed is not null)
        {
            return new GoogleRenameResult(renamed.Id, renamed.PrimaryEmail, renamed.Aliases ?? [], AlreadyRenamed: false);
        }

        // The current address is unknown: an earlier try may have renamed the user and lost the answer. Then the user
        // answers to the new address, and only the names still need to be the ones asked for.
        var (existing, found) = await CallAsync<GUser>(
            HttpMethod.Get,
            UserUrl(r.NewEmail),
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        if (found == HttpStatusCode.NotFound || existing is null)
        {
            throw new ProviderException(
                Provider,
                "user_not_found",
                $"Neither {r.CurrentEmail} nor {r.NewEmail} is a Workspace user.",
                isRetryable: false,
                statusCode: 404
            );
        }

        var (again, _) = await CallAsync<GUser>(
            HttpMethod.Put,
            UserUrl(existing.PrimaryEmail),
            new GUser(null, existing.PrimaryEmail, name, null, null),
            cancellationToken
        );
        return new GoogleRenameResult(
            again?.Id ?? existing.Id,
            again?.PrimaryEmail ?? existing.PrimaryEmail,
            again?.Aliases ?? existing.Aliases ?? [],
            AlreadyRenamed: true
        );
    }

    public async Task AddAliasAsync(string userKey, string alias, CancellationToken cancellationToken) =>
        await CallAsync<JsonElement>(
            HttpMethod.Post,
            $"{settings.DirectoryBaseUrl}/users/{Uri.EscapeDataString(userKey)}/aliases",
            new GAlias(alias),
            cancellationToken,
            HttpStatusCode.Conflict
        );

    public async Task SetProfilePhotoAsync(string userKey, ReadOnlyMemory<byte> photo, string mimeType, CancellationToken cancellationToken)
    {
        // The Directory API takes web-safe base64.
        var data = Convert.ToBase64String(photo.Span).Replace('+', '-').Replace('/', '_');
        await CallAsync<JsonElement>(
            HttpMethod.Put,
            $"{settings.DirectoryBaseUrl}/users/{Uri.EscapeDataString(userKey)}/photos/thumbnail",
            new GPhoto(data, mimeType),
            cancellationToken
        );
    }

    public async Task<bool> DeleteUserAsync(string userKey, CancellationToken cancellationToken)
    {
        var (_, status) = await CallAsync<JsonElement>(
            HttpMethod.Delete,
            $"{settings.DirectoryBaseUrl}/users/{Uri.EscapeDataString(userKey)}",
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        return status != HttpStatusCode.NotFound;
    }

    public async Task<GoogleCustomer?> FindCustomerAsync(string domain, CancellationToken cancellationToken)
    {
        var (customer, status) = await CallAsync<GCustomer>(
            HttpMethod.Get,
            settings.ResellerBaseUrl + "/customers/" + Uri.EscapeDataString(domain),
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        return status == HttpStatusCode.NotFound || customer?.CustomerId is null
            ? null
            : new GoogleCustomer(customer.CustomerId, customer.CustomerDomain, AlreadyExisted: true);
    }

    public async Task<IReadOnlyList<GoogleSubscription>> ListSubscriptionsAsync(string customerId, CancellationToken cancellationToken)
    {
        var (list, _) = await CallAsync<GSubscriptionList>(
            HttpMethod.Get,
            $"{settings.ResellerBaseUrl}/subscriptions?customerId={Uri.EscapeDataString(customerId)}",
            null,
            cancellationToken
        );
        return list?.Subscriptions?.Select(s => Map(s, alreadyExisted: true)).ToList() ?? [];
    }

    public async Task<bool> CancelSubscriptionAsync(string customerId, string subscriptionId, CancellationToken cancellationToken)
    {
        var url =
            $"{settings.ResellerBaseUrl}/customers/{Uri.EscapeDataString(customerId)}/subscriptions/{Uri.EscapeDataString(subscriptionId)}?deletionType=cancel";
        var (_, status) = await CallAsync<JsonElement>(HttpMethod.Delete, url, null, cancellationToken, HttpStatusCode.NotFound);
        return status != HttpStatusCode.NotFound;
    }

    /// <summary>Maps Google's <c>error{code,message,errors[{reason}]}</c>: quota reasons, 408, 429 and 5xx are retryable.</summary>
    internal static ProviderException ToException(HttpStatusCode status, string body, TimeSpan? retryAfter)
    {
        GError? error = null;
        try
        {
            error = JsonSerializer.Deserialize<GErrorBody>(body, Json)?.Error;
        }
        catch (JsonException) { }

        var reason = error?.Errors is [var first, ..] ? first.Reason : null;
        var retryable = ProviderResilience.IsTransient(status) || (reason is not null && RetryableReasons.Contains(reason));
        return new ProviderException(
            ProviderNames.Google,
            reason ?? "http_" + ((int)status).ToString(CultureInfo.InvariantCulture),
            error?.Message ?? status.ToString(),
            retryable,
            retryAfter,
            (int)status
        );
    }

    private Task<(T? Result, HttpStatusCode Status)> CallAsync<T>(
        HttpMethod method,
        string url,
        object? body,
        CancellationToken cancellationToken,
        HttpStatusCode? tolerated = null
    ) => SendJsonAsync<T>(method, url, body, null, null, tolerated, ToException, cancellationToken);

    private string UserUrl(string userKey) => $"{settings.DirectoryBaseUrl}/users/{Uri.EscapeDataString(userKey)}";

    private static GoogleSubscription Map(GSubscription s, bool alreadyExisted) =>
        new(
            s.SubscriptionId ?? "",
            s.SkuId,
            s.Plan.PlanName,
            s.Seats.NumberOfSeats ?? s.Seats.MaximumNumberOfSeats ?? 0,
            s.Status ?? "",
            alreadyExisted
        );
}
