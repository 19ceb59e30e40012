using Peeker.Activities.Providers;

namespace Peeker.Activities.Google;

/// <summary>Google Workspace through the Reseller, Site Verification and Directory APIs.</summary>
public interface IGoogleWorkspaceClient
{
    /// <summary>Reseller <c>POST /customers</c>; a 409 answers the existing customer with <see cref="GoogleCustomer.AlreadyExisted"/>.</summary>
    Task<GoogleCustomer> CreateCustomerAsync(GoogleCustomerInput customer, CancellationToken cancellationToken);

    /// <summary>
    /// Reseller <c>POST /customers/{id}/subscriptions</c>. Annual plans send <c>seats.numberOfSeats</c>, FLEXIBLE/TRIAL
    /// send <c>seats.maximumNumberOfSeats</c>. A 409 answers the existing subscription for the SKU.
    /// </summary>
    Task<GoogleSubscription> CreateSubscriptionAsync(
        string customerId,
        string skuId,
        string planName,
        int seats,
        CancellationToken cancellationToken
    );

    /// <summary>Site Verification <c>POST /token</c> (DNS_TXT): the full TXT value <c>google-site-verification=…</c>.</summary>
    Task<string> GetVerificationTokenAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Site Verification <c>POST /webResource</c>: true once Google sees the TXT record, false while it does not yet.</summary>
    Task<bool> VerifyDomainAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Directory <c>POST /users</c>; a 409 "Entity already exists." answers <see cref="GoogleUserResult.AlreadyExisted"/>.</summary>
    Task<GoogleUserResult> CreateUserAsync(GoogleUserInput user, CancellationToken cancellationToken);

    /// <summary>
    /// Directory <c>PUT /users/{userKey}</c> (<c>users.update</c>): sets the user's names and primary address; Google keeps
    /// the old address as an alias. Idempotent: when <see cref="GoogleRenameInput.CurrentEmail"/> is unknown and the user
    /// already answers to <see cref="GoogleRenameInput.NewEmail"/> (an earlier try whose answer was lost), only the names are
    /// set and <see cref="GoogleRenameResult.AlreadyRenamed"/> is true. Neither address known is a non-retryable
    /// <c>user_not_found</c>; a new address held by another user is a non-retryable <c>duplicate</c>.
    /// </summary>
    Task<GoogleRenameResult> RenameUserAsync(GoogleRenameInput rename, CancellationToken cancellationToken);

    /// <summary>Directory <c>POST /users/{userKey}/aliases</c>; an existing alias counts as done.</summary>
    Task AddAliasAsync(string userKey, string alias, CancellationToken cancellationToken);

    /// <summary>Directory <c>PUT /users/{userKey}/photos/thumbnail</c> (JPEG/PNG bytes).</summary>
    Task SetProfilePhotoAsync(string userKey, ReadOnlyMemory<byte> photo, string mimeType, CancellationToken cancellationToken);

    /// <summary>Directory <c>DELETE /users/{userKey}</c>: false when the user was already gone (404), so a retry is harmless.</summary>
    Task<bool> DeleteUserAsync(string userKey, CancellationToken cancellationToken);

    /// <summary>Reseller <c>GET /customers/{domain}</c>: the domain's customer, or null when it has none (404).</summary>
    Task<GoogleCustomer?> FindCustomerAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Reseller <c>GET /subscriptions?customerId=</c>: the customer's subscriptions.</summary>
    Task<IReadOnlyList<GoogleSubscription>> ListSubscriptionsAsync(string customerId, CancellationToken cancellationToken);

    /// <summary>
    /// Reseller <c>DELETE /customers/{customerId}/subscriptions/{subscriptionId}?deletionType=cancel</c>: the seats stop
    /// being billed at once. False when the subscription was already gone (404).
    /// </summary>
    Task<bool> CancelSubscriptionAsync(string customerId, string subscriptionId, CancellationToken cancellationToken);
}

/// <summary>Creates the Google Workspace client for a caller's environment and partner.</summary>
public interface IGoogleWorkspaceClientFactory
{
    IGoogleWorkspaceClient Create(ProviderScope scope);
}

/// <summary>A reseller customer to create. <see cref="AlternateEmail"/> must not be on <see cref="Domain"/>.</summary>
public sealed record GoogleCustomerInput(
    string Domain,
    string AlternateEmail,
    string ContactName,
    string OrganizationName,
    string AddressLine1,
    string Locality,
    string Region,
    string PostalCode,
    string CountryCode,
    string? PhoneNumber = null
);

/// <summary>A reseller customer; <see cref="AlreadyExisted"/> when it was created by an earlier attempt.</summary>
public sealed record GoogleCustomer(string CustomerId, string Domain, bool AlreadyExisted = false);

/// <summary>A Workspace subscription and its seats (number or maximum, by plan).</summary>
public sealed record GoogleSubscription(
    string SubscriptionId,
    string SkuId,
    string PlanName,
    int Seats,
    string Status,
    bool AlreadyExisted = false
);

/// <summary>A user to create. The password never appears in logs or results.</summary>
public sealed record GoogleUserInput(
    string PrimaryEmail,
    string GivenName,
    string FamilyName,
    string Password,
    bool ChangePasswordAtNextLogin = false
);

/// <summary>A created (or already existing) Workspace user.</summary>
public sealed record GoogleUserResult(string? Id, string PrimaryEmail, bool AlreadyExisted);

/// <summary>A rename: the user now at <see cref="CurrentEmail"/> becomes <see cref="NewEmail"/> (may be the same) with new names.</summary>
public sealed record GoogleRenameInput(string CurrentEmail, string NewEmail, string GivenName, string FamilyName);

/// <summary>The renamed user; <see cref="AlreadyRenamed"/> when an earlier try had already moved it to the new address.</summary>
public sealed record GoogleRenameResult(string? Id, string PrimaryEmail, IReadOnlyList<string> Aliases, bool AlreadyRenamed);

/// <summary>SKU ids of the Google-Apps product (Reseller API).</summary>
public static class GoogleSkus
{
    public const string BusinessStarter = "1010020027";
    public const string BusinessStandard = "1010020028";
    public const string BusinessPlus = "1010020025";
}
