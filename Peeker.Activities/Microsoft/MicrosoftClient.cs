using System.Globalization;
using System.Net;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Microsoft;

/// <summary>Endpoints of Partner Center and Graph (tokens come from the client's <see cref="BearerTokenHandler"/>).</summary>
internal sealed record MicrosoftSettings(string PartnerCenterBaseUrl, string GraphBaseUrl);

/// <summary>Partner Center + Graph; error mapping lives in <see cref="ToException"/>.</summary>
internal sealed class MicrosoftClient(HttpClient http, MicrosoftSettings settings, ILogger<MicrosoftClient> logger)
    : ProviderClientBase(http, logger, ProviderNames.Microsoft),
        IMicrosoftClient
{
    public async Task<MicrosoftCustomer> CreateCustomerAsync(
        MicrosoftCustomerInput c,
        string requestId,
        CancellationToken cancellationToken
    )
    {
        var body = new PcCustomer(
            null,
            new PcCompanyProfile(c.InitialDomainPrefix + ".onmicrosoft.com", null, c.CompanyName),
            new PcBillingProfile(
                c.Culture,
                c.Email,
                c.Language,
                c.CompanyName,
                new PcAddress(c.FirstName, c.LastName, c.AddressLine1, c.City, c.State, c.PostalCode, c.Country, c.PhoneNumber)
            )
        );
        PcCustomer? customer;
        try
        {
            (customer, _) = await CallAsync<PcCustomer>(
                HttpMethod.Post,
                settings.PartnerCenterBaseUrl + "/customers",
                body,
                PartnerCenter,
                requestId,
                cancellationToken
            );
        }
        catch (ProviderException ex) when (ex.StatusCode == (int)HttpStatusCode.Conflict)
        {
            // The initial domain is taken. An earlier try of ours whose answer was lost (a request id is not remembered
            // for ever, nor when the call died mid-way) created it: the customer with our company name is ours to reuse.
            customer = await FindCustomerAsync(body.CompanyProfile.Domain, cancellationToken);
            if (customer is null || !string.Equals(customer.CompanyProfile.CompanyName, c.CompanyName, StringComparison.Ordinal))
            {
                throw;
            }
        }

        return new MicrosoftCustomer(
            customer!.Id ?? "",
            customer.CompanyProfile.TenantId ?? customer.Id ?? "",
            customer.CompanyProfile.Domain
        );
    }

    /// <summary>The partner's customer whose initial domain is <paramref name="domain"/>, if any (Partner Center's domain filter).</summary>
    private async Task<PcCustomer?> FindCustomerAsync(string domain, CancellationToken cancellationToken)
    {
        var filter = JsonSerializer.Serialize(
            new
            {
                Field = "Domain",
                Value = domain,
                Operator = "starts_with",
            }
        );
        var (list, _) = await CallAsync<PcCollection<PcCustomer>>(
            HttpMethod.Get,
            $"{settings.PartnerCenterBaseUrl}/customers?size=20&filter={Uri.EscapeDataString(filter)}",
            null,
            PartnerCenter,
            null,
            cancellationToken
        );
        return list?.Items?.FirstOrDefault(x => string.Equals(x.CompanyProfile.Domain, domain, StringComparison.OrdinalIgnoreCase));
    }

    public async Task<MicrosoftOrder> PurchaseLicensesAsync(
        string customerId,
        string catalogItemId,
        int quantity,
        string requestId,
        CancellationToken cancellationToken
    )
    {
        var customerUrl = $"{settings.PartnerCenterBaseUrl}/customers/{Uri.EscapeDataString(customerId)}";
        var (cart, _) = await CallAsync<PcCart>(
            HttpMethod.Post,
            customerUrl + "/carts",
            new PcCart(null, [new PcCartLineItem(0, catalogItemId, quantity, "monthly", "P1M")]),
            PartnerCenter,
            requestId + ":cart",
            cancellationToken
        );
        var (checkout, _) = await CallAsync<PcCheckout>(
            HttpMethod.Post,
            $"{customerUrl}/carts/{Uri.EscapeDataString(cart!.Id ?? "")}/checkout",
            null,
            PartnerCenter,
            requestId + ":checkout",
            cancellationToken
        );
        if (checkout?.OrderErrors is [var error, ..])
        {
            throw new ProviderException(
                Provider,
                error.Code?.ToString(CultureInfo.InvariantCulture) ?? "order_error",
                error.Description ?? "Checkout failed.",
                isRetryable: false
            );
        }

        var order = checkout?.Orders is [var first, ..]
            ? first
            : throw new ProviderException(Provider, "bad_response", "Checkout returned no order.", isRetryable: false);
        return new MicrosoftOrder(order.Id, catalogItemId, order.LineItems?.Sum(l => l.Quantity) ?? quantity, order.Status ?? "");
    }

    public async Task<MicrosoftDomain> AddDomainAsync(string tenantId, string domain, CancellationToken cancellationToken)
    {
        var token = Graph(tenantId);
        var (existing, status) = await CallAsync<GraphDomain>(
            HttpMethod.Get,
            DomainUrl(domain),
            null,
            token,
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        if (status != HttpStatusCode.NotFound && existing is not null)
        {
            return Map(existing, alreadyExisted: true);
        }

        try
        {
            var (created, _) = await CallAsync<GraphDomain>(
                HttpMethod.Post,
                settings.GraphBaseUrl + "/domains",
                new GraphNewDomain(domain),
                token,
                null,
                cancellationToken
            );
            return Map(created!, alreadyExisted: false);
        }
        catch (ProviderException ex) when (IsAlreadyExists(ex))
        {
            // A retried POST whose first answer was lost: the domain is there now.
            var (again, _) = await CallAsync<GraphDomain>(HttpMethod.Get, DomainUrl(domain), null, token, null, cancellationToken);
            return Map(again!, alreadyExisted: true);
        }
    }

    public async Task<IReadOnlyList<MicrosoftDnsRecord>> GetVerificationRecordsAsync(
        string tenantId,
        string domain,
        CancellationToken cancellationToken
    ) => await RecordsAsync(tenantId, DomainUrl(domain) + "/verificationDnsRecords", cancellationToken);

    public async Task<bool> VerifyDomainAsync(string tenantId, string domain, CancellationToken cancellationToken)
    {
        // 400 means Microsoft cannot see the TXT yet: a normal state while DNS propagates.
        var (verified, status) = await CallAsync<GraphDomain>(
            HttpMethod.Post,
            DomainUrl(domain) + "/verify",
            null,
            Graph(tenantId),
            null,
            cancellationToken,
            HttpStatusCode.BadRequest
        );
        return status != HttpStatusCode.BadRequest && verified?.IsVerified == true;
    }

    public async Task EnableEmailAsync(string tenantId, string domain, CancellationToken cancellationToken) =>
        await CallAsync<JsonElement>(
            HttpMethod.Patch,
            DomainUrl(domain),
            new GraphServices(["Email"]),
            Graph(tenantId),
            null,
            cancellationToken
        );

    public async Task<IReadOnlyList<MicrosoftDnsRecord>> GetServiceConfigurationRecordsAsync(
        string tenantId,
        string domain,
        CancellationToken cancellationToken
    ) => await RecordsAsync(tenantId, DomainUrl(domain) + "/serviceConfigurationRecords", cancellationToken);

    public async Task<IReadOnlyList<MicrosoftSku>> GetSubscribedSkusAsync(string tenantId, CancellationToken cancellationToken)
    {
        var (list, _) = await CallAsync<GraphList<GraphSku>>(
            HttpMethod.Get,
            settings.GraphBaseUrl + "/subscribedSkus",
            null,
            Graph(tenantId),
            null,
            cancellationToken
        );
        return list!.Value.Select(s => new MicrosoftSku(s.SkuId, s.SkuPartNumber, s.PrepaidUnits.Enabled, s.ConsumedUnits)).ToList();
    }

    public async Task<MicrosoftUserResult> CreateUserAsync(string tenantId, MicrosoftUserInput u, CancellationToken cancellationToken)
    {
        var token = Graph(tenantId);
        var userUrl = settings.GraphBaseUrl + "/users/" + Uri.EscapeDataString(u.UserPrincipalName);
        var (existing, status) = await CallAsync<GraphUser>(
            HttpMethod.Get,
            userUrl,
            null,
            token,
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        if (status != HttpStatusCode.NotFound && existing is not null)
        {
            return new MicrosoftUserResult(existing.Id, existing.UserPrincipalName, AlreadyExisted: true);
        }

        var body = new GraphNewUser(
            true,
            u.DisplayName,
            u.UserPrincipalName.Split('@')[0],
            u.UserPrincipalName,
            new GraphPasswordProfile(u.Password, ForceChangePasswordNextSignIn: false),
            u.GivenName,
            u.Surname,
            u.UsageLocation
        );
        try
        {
            var (created, _) = await CallAsync<GraphUser>(
                HttpMethod.Post,
                settings.GraphBaseUrl + "/users",
                body,
                token,
                null,
                cancellationToken
            );
            return new MicrosoftUserResult(created!.Id, created.UserPrincipalName, AlreadyExisted: false);
        }
        catch (ProviderException ex) when (IsAlreadyExists(ex))
        {
            var (again, _) = await CallAsync<GraphUser>(HttpMethod.Get, userUrl, null, token, null, cancellationToken);
            return new MicrosoftUserResult(again!.Id, again.UserPrincipalName, AlreadyExisted: true);
        }
    }

    public async Task<MicrosoftRenameResult> RenameUserAsync(string tenantId, MicrosoftRenameInput r, CancellationToken cancellationToken)
    {
        var token = Graph(tenantId);
        var (current, status) = await CallAsync<GraphUser>(
            HttpMethod.Get,
            UserUrl(r.CurrentUpn),
            null,
            token,
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        var alreadyRenamed = false;
        if (status == HttpStatusCode.NotFound || current is null)
        {
            // An earlier try may have renamed the user and lost the answer: then it answers to the new UPN.
            (current, status) = await CallAsync<GraphUser>(
                HttpMethod.Get,
                UserUrl(r.NewUpn),
                null,
                token,
                null,
                cancellationToken,
                HttpStatusCode.NotFound
            );
            if (status == HttpStatusCode.NotFound || current is null)
            {
                throw new ProviderException(
                    Provider,
                    "user_not_found",
                    $"Neither {r.CurrentUpn} nor {r.NewUpn} is a user of the tenant.",
                    isRetryable: false,
                    statusCode: 404
                );
            }

            alreadyRenamed = true;
        }

        // By id: the id stays put while the UPN moves, so a PATCH is absolute and a repeat of it harmless.
        var body = new GraphUserPatch(r.NewUpn, r.NewUpn.Split('@')[0], r.DisplayName, r.GivenName, r.Surname);
        await CallAsync<JsonElement>(HttpMethod.Patch, UserUrl(current.Id), body, token, null, cancellationToken);
        return new MicrosoftRenameResult(current.Id, r.NewUpn, alreadyRenamed);
    }

    public async Task AssignLicenseAsync(string tenantId, string userPrincipalName, Guid skuId, CancellationToken cancellationToken) =>
        await CallAsync<JsonElement>(
            HttpMethod.Post,
            $"{settings.GraphBaseUrl}/users/{Uri.EscapeDataString(userPrincipalName)}/assignLicense",
            new GraphAssignLicense([new GraphAddLicense(skuId, [])], []),
            Graph(tenantId),
            null,
            cancellationToken
        );

    public async Task<bool> DeleteUserAsync(string tenantId, string userPrincipalName, CancellationToken cancellationToken)
    {
        var (_, status) = await CallAsync<JsonElement>(
            HttpMethod.Delete,
            settings.GraphBaseUrl + "/users/" + Uri.EscapeDataString(userPrincipalName),
            null,
            Graph(tenantId),
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        return status != HttpStatusCode.NotFound;
    }

    public async Task<bool> RemoveDomainAsync(string tenantId, string domain, CancellationToken cancellationToken)
    {
        var (_, status) = await CallAsync<JsonElement>(
            HttpMethod.Delete,
            DomainUrl(domain),
            null,
            Graph(tenantId),
            null,
            cancellationToken,
            HttpStatusCode.NotFound
        );
        return status != HttpStatusCode.NotFound;
    }

    public async Task<IReadOnlyList<MicrosoftSubscription>> ListSubscriptionsAsync(string customerId, CancellationToken cancellationToken)
    {
        var (list, _) = await CallAsync<PcCollection<PcSubscription>>(
            HttpMethod.Get,
            $"{settings.PartnerCenterBaseUrl}/customers/{Uri.EscapeDataString(customerId)}/subscriptions",
            null,
            PartnerCenter,
            null,
            cancellationToken
        );
        return list?.Items?.Select(Map).ToList() ?? [];
    }

    public async Task<MicrosoftSubscription> SetSubscriptionQuantityAsync(
        string customerId,
        MicrosoftSubscription subscription,
        int quantity,
        CancellationToken cancellationToken
    )
    {
        ArgumentOutOfRangeException.ThrowIfNegative(quantity);
        var body =
            quantity == 0
                ? new PcSubscription(subscription.Id, subscription.OfferId, subscription.Quantity, "suspended")
                : new PcSubscription(subscription.Id, subscription.OfferId, quantity, subscription.Status);
        var (updated, _) = await CallAsync<PcSubscription>(
            HttpMethod.Patch,
            $"{settings.PartnerCenterBaseUrl}/customers/{Uri.EscapeDataString(customerId)}/subscriptions/{Uri.EscapeDataString(subscription.Id)}",
            body,
            PartnerCenter,
            null,
            cancellationToken
        );
        return Map(updated!);
    }

    /// <summary>
    /// Maps Graph's <c>error{code,message}</c> and Partner Center's <c>{code,description}</c>: 408, 429 and 5xx are
    /// retryable, everything else (Request_BadRequest, CountViolation, invalid usage location…) fails at once.
    /// </summary>
    internal static ProviderException ToException(HttpStatusCode status, string body, TimeSpan? retryAfter)
    {
        string? code = null,
            message = null;
        try
        {
            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            if (root.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.Object)
            {
                code = error.TryGetProperty("code", out var c) ? c.ToString() : null;
                message = error.TryGetProperty("message", out var m) ? m.GetString() : null;
            }
            else if (root.ValueKind == JsonValueKind.Object && root.TryGetProperty("code", out var pcCode))
            {
                code = pcCode.ToString();
                message = root.TryGetProperty("description", out var d) ? d.GetString() : null;
            }
        }
        catch (JsonException) { }

        return new ProviderException(
            ProviderNames.Microsoft,
            code ?? "http_" + ((int)status).ToString(CultureInfo.InvariantCulture),
            message ?? status.ToString(),
            ProviderResilience.IsTransient(status),
            retryAfter,
            (int)status
        );
    }

    /// <summary>Graph's duplicate answer ("Another object with the same value for property … already exists.").</summary>
    internal static bool IsAlreadyExists(ProviderException ex) =>
        ex.StatusCode == 400
        && ex.Code == "Request_BadRequest"
        && ex.Message.Contains("already exists", StringComparison.OrdinalIgnoreCase);

    /// <summary>Partner Center calls use the app's token in the partner tenant.</summary>
    private static readonly TokenTarget PartnerCenter = new(MicrosoftResources.PartnerCenter);

    /// <summary>Graph calls into a customer use a token of that customer's tenant.</summary>
    private static TokenTarget Graph(string tenantId) => new(MicrosoftResources.Graph, tenantId);

    private string UserUrl(string idOrUpn) => settings.GraphBaseUrl + "/users/" + Uri.EscapeDataString(idOrUpn);

    private string DomainUrl(string domain) => settings.GraphBaseUrl + "/domains/" + Uri.EscapeDataString(domain);

    private async Task<IReadOnlyList<MicrosoftDnsRecord>> RecordsAsync(string tenantId, string url, CancellationToken cancellationToken)
    {
        var (list, _) = await CallAsync<GraphList<GraphDnsRecord>>(HttpMethod.Get, url, null, Graph(tenantId), null, cancellationToken);
        return list!
            .Value.Select(r => new MicrosoftDnsRecord(
                r.RecordType,
                r.Label,
                r.Ttl,
                r.Text,
                r.MailExchange,
                r.Preference,
                r.CanonicalName,
                r.SupportedService
            ))
            .ToList();
    }

    private Task<(T? Result, HttpStatusCode Status)> CallAsync<T>(
        HttpMethod method,
        string url,
        object? body,
        TokenTarget token,
        string? requestId,
        CancellationToken cancellationToken,
        HttpStatusCode? tolerated = null
    ) =>
        SendJsonAsync<T>(
            method,
            url,
            body,
            token,
            requestId is null ? null : new Dictionary<string, string> { ["MS-RequestId"] = requestId },
            tolerated,
            ToException,
            cancellationToken
        );

    private static MicrosoftSubscription Map(PcSubscription s) => new(s.Id, s.OfferId, s.Quantity, s.Status ?? "");

    private static MicrosoftDomain Map(GraphDomain d, bool alreadyExisted) =>
        new(d.Id, d.IsVerified ?? false, d.SupportedServices ?? [], alreadyExisted);
}
