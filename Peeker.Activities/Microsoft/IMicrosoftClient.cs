using Peeker.Activities.Providers;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// Microsoft 365 through Partner Center (customer tenant, licences) and Microsoft Graph (domains, users, licence
/// assignment). Graph calls name the customer tenant they act in.
/// </summary>
public interface IMicrosoftClient
{
    /// <summary>Partner Center <c>POST /customers</c>; <paramref name="requestId"/> goes out as <c>MS-RequestId</c> so a retry creates one tenant.</summary>
    Task<MicrosoftCustomer> CreateCustomerAsync(MicrosoftCustomerInput customer, string requestId, CancellationToken cancellationToken);

    /// <summary>Partner Center cart + checkout for <paramref name="quantity"/> licences; <paramref name="requestId"/> makes the checkout idempotent.</summary>
    Task<MicrosoftOrder> PurchaseLicensesAsync(
        string customerId,
        string catalogItemId,
        int quantity,
        string requestId,
        CancellationToken cancellationToken
    );

    /// <summary>Graph <c>POST /domains</c> unless the tenant already has it (check-before-act).</summary>
    Task<MicrosoftDomain> AddDomainAsync(string tenantId, string domain, CancellationToken cancellationToken);

    /// <summary>Graph <c>GET /domains/{id}/verificationDnsRecords</c> (the <c>MS=ms…</c> TXT and its MX alternative).</summary>
    Task<IReadOnlyList<MicrosoftDnsRecord>> GetVerificationRecordsAsync(
        string tenantId,
        string domain,
        CancellationToken cancellationToken
    );

    /// <summary>Graph <c>POST /domains/{id}/verify</c>: true once verified, false while the TXT is not visible yet.</summary>
    Task<bool> VerifyDomainAsync(string tenantId, string domain, CancellationToken cancellationToken);

    /// <summary>Graph <c>PATCH /domains/{id}</c> with <c>supportedServices: ["Email"]</c> (idempotent).</summary>
    Task EnableEmailAsync(string tenantId, string domain, CancellationToken cancellationToken);

    /// <summary>
    /// Graph <c>GET /domains/{id}/serviceConfigurationRecords</c>: the authoritative MX, SPF and autodiscover values.
    /// Never build the MX host from a pattern: Microsoft is moving domains to <c>*.mx.microsoft</c>.
    /// </summary>
    Task<IReadOnlyList<MicrosoftDnsRecord>> GetServiceConfigurationRecordsAsync(
        string tenantId,
        string domain,
        CancellationToken cancellationToken
    );

    /// <summary>Graph <c>GET /subscribedSkus</c>: licences bought and used.</summary>
    Task<IReadOnlyList<MicrosoftSku>> GetSubscribedSkusAsync(string tenantId, CancellationToken cancellationToken);

    /// <summary>Graph <c>POST /users</c> with <c>usageLocation</c>; an existing UPN answers <see cref="MicrosoftUserResult.AlreadyExisted"/>.</summary>
    Task<MicrosoftUserResult> CreateUserAsync(string tenantId, MicrosoftUserInput user, CancellationToken cancellationToken);

    /// <summary>
    /// Graph <c>PATCH /users/{id}</c>: new <c>userPrincipalName</c>, <c>mailNickname</c>, display and given/surnames.
    /// Idempotent: when <see cref="MicrosoftRenameInput.CurrentUpn"/> is unknown and the user already answers to
    /// <see cref="MicrosoftRenameInput.NewUpn"/> (an earlier try whose answer was lost), only the names are set and
    /// <see cref="MicrosoftRenameResult.AlreadyRenamed"/> is true. Neither known is a non-retryable <c>user_not_found</c>.
    /// </summary>
    Task<MicrosoftRenameResult> RenameUserAsync(string tenantId, MicrosoftRenameInput rename, CancellationToken cancellationToken);

    /// <summary>Graph <c>POST /users/{upn}/assignLicense</c>. No seat left is a non-retryable <c>CountViolation</c>.</summary>
    Task AssignLicenseAsync(string tenantId, string userPrincipalName, Guid skuId, CancellationToken cancellationToken);

    /// <summary>Graph <c>DELETE /users/{upn}</c>; the user's licence is freed. False when the user was already gone (404).</summary>
    Task<bool> DeleteUserAsync(string tenantId, string userPrincipalName, CancellationToken cancellationToken);

    /// <summary>Graph <c>DELETE /domains/{id}</c> (only once no user is left on it). False when the tenant no longer had it (404).</summary>
    Task<bool> RemoveDomainAsync(string tenantId, string domain, CancellationToken cancellationToken);

    /// <summary>Partner Center <c>GET /customers/{id}/subscriptions</c>.</summary>
    Task<IReadOnlyList<MicrosoftSubscription>> ListSubscriptionsAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Partner Center <c>PATCH /customers/{id}/subscriptions/{subscriptionId}</c>: sets the licence quantity, or, at zero,
    /// the status <c>suspended</c> (a subscription cannot hold zero licences). Absolute, so a retry is harmless.
    /// </summary>
    Task<MicrosoftSubscription> SetSubscriptionQuantityAsync(
        string customerId,
        MicrosoftSubscription subscription,
        int quantity,
        CancellationToken cancellationToken
    );
}

/// <summary>Creates the Microsoft client for a caller's environment and partner.</summary>
public interface IMicrosoftClientFactory
{
    IMicrosoftClient Create(ProviderScope scope);
}

/// <summary>A new customer tenant: <see cref="InitialDomainPrefix"/> becomes <c>{prefix}.onmicrosoft.com</c>.</summary>
public sealed record MicrosoftCustomerInput(
    string InitialDomainPrefix,
    string CompanyName,
    string Email,
    string FirstName,
    string LastName,
    string AddressLine1,
    string City,
    string State,
    string PostalCode,
    string Country,
    string PhoneNumber,
    string Culture = "en-US",
    string Language = "en"
);

/// <summary>A customer tenant: <see cref="TenantId"/> is what Graph calls act in.</summary>
public sealed record MicrosoftCustomer(string CustomerId, string TenantId, string InitialDomain);

/// <summary>A completed licence purchase.</summary>
public sealed record MicrosoftOrder(string OrderId, string CatalogItemId, int Quantity, string Status);

/// <summary>A Partner Center subscription: <see cref="OfferId"/> is the catalog item, <see cref="Status"/> <c>active</c> or <c>suspended</c>.</summary>
public sealed record MicrosoftSubscription(string Id, string OfferId, int Quantity, string Status);

/// <summary>A tenant domain and whether it is verified.</summary>
public sealed record MicrosoftDomain(string Id, bool IsVerified, IReadOnlyList<string> SupportedServices, bool AlreadyExisted);

/// <summary>One Graph <c>domainDnsRecord</c>: <see cref="RecordType"/> Txt (Text), Mx (MailExchange, Preference) or CName (CanonicalName).</summary>
public sealed record MicrosoftDnsRecord(
    string RecordType,
    string Label,
    int Ttl,
    string? Text,
    string? MailExchange,
    int? Preference,
    string? CanonicalName,
    string? SupportedService
);

/// <summary>Licences bought (<see cref="Enabled"/>) and assigned (<see cref="Consumed"/>) for one SKU.</summary>
public sealed record MicrosoftSku(Guid SkuId, string SkuPartNumber, int Enabled, int Consumed);

/// <summary>A user to create. The password never appears in logs or results.</summary>
public sealed record MicrosoftUserInput(
    string UserPrincipalName,
    string DisplayName,
    string GivenName,
    string Surname,
    string Password,
    string UsageLocation
);

/// <summary>A rename: the user now at <see cref="CurrentUpn"/> becomes <see cref="NewUpn"/> (may be the same) with new names.</summary>
public sealed record MicrosoftRenameInput(string CurrentUpn, string NewUpn, string DisplayName, string GivenName, string Surname);

/// <summary>The renamed user; <see cref="AlreadyRenamed"/> when an earlier try had already moved it to the new UPN.</summary>
public sealed record MicrosoftRenameResult(string Id, string UserPrincipalName, bool AlreadyRenamed);

/// <summary>A created (or already existing) Microsoft 365 user.</summary>
public sealed record MicrosoftUserResult(string? Id, string UserPrincipalName, bool AlreadyExisted);
