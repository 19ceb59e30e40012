using Peeker.Activities.Providers;

namespace Peeker.Activities.Registrar;

/// <summary>A domain registrar (reseller API): availability and prices, registration, nameservers.</summary>
public interface IRegistrarClient
{
    /// <summary>Availability and prices for each name, in input order. Names are already normalised (lower case, punycode).</summary>
    Task<IReadOnlyList<DomainAvailability>> CheckAvailabilityAsync(IReadOnlyList<string> domains, CancellationToken cancellationToken);

    /// <summary>
    /// Buys <see cref="RegisterDomainRequest.Domain"/> with custom nameservers, at most once: it checks the account
    /// first (check-before-act), so a retried purchase answers <see cref="RegistrationStatus.AlreadyOwned"/>.
    /// Taken, premium-without-consent and unsupported names are <see cref="RegistrationStatus.Unavailable"/>. After a
    /// create whose answer was lost it never answers Unavailable: it re-reads the account until the domain shows up as
    /// ours (Purchased) or is available again (then it buys), else fails retryable with <c>purchase_unconfirmed</c>.
    /// </summary>
    Task<RegisterDomainResult> RegisterAsync(RegisterDomainRequest request, CancellationToken cancellationToken);

    /// <summary>Points an owned domain at custom nameservers (idempotent).</summary>
    Task SetNameserversAsync(string domain, IReadOnlyList<string> nameservers, CancellationToken cancellationToken);

    /// <summary>The domain as the registrar holds it in our account, or null when it is not ours.</summary>
    Task<RegistrarDomainInfo?> GetDomainInfoAsync(string domain, CancellationToken cancellationToken);
}

/// <summary>Creates the registrar client for a caller's environment and partner.</summary>
public interface IRegistrarClientFactory
{
    /// <summary>The client for <paramref name="scope"/> (sandbox: the simulator; live: the real registrar).</summary>
    IRegistrarClient Create(ProviderScope scope);
}

/// <summary>
/// One row of an availability check. Prices are in <see cref="Currency"/> per year. <see cref="UnsupportedTld"/>: the
/// registrar does not sell the name's TLD, so the name is not taken but cannot be ordered.
/// </summary>
public sealed record DomainAvailability(
    string Domain,
    bool Available,
    bool Premium,
    decimal? FirstYearPrice,
    decimal? RenewalPrice,
    string Currency,
    bool UnsupportedTld = false
);

/// <summary>
/// A purchase. <see cref="PremiumPrice"/> must echo the quoted premium price to buy a premium name.
/// <see cref="EarlierCreateUncertain"/>: an earlier attempt for the same order may have sent the create (its answer is
/// unknown), so "not available" is not an answer until the account says whether the domain is ours.
/// </summary>
public sealed record RegisterDomainRequest(
    string Domain,
    int Years,
    IReadOnlyList<string> Nameservers,
    RegistrantContact Contact,
    decimal? PremiumPrice = null,
    bool EarlierCreateUncertain = false
);

/// <summary>The registrant (also used as tech, admin and billing contact). Phone is <c>+NNN.NNNNNNNNNN</c>.</summary>
public sealed record RegistrantContact(
    string FirstName,
    string LastName,
    string Address1,
    string City,
    string StateProvince,
    string PostalCode,
    string Country,
    string Phone,
    string EmailAddress,
    string? OrganizationName = null
);

/// <summary>How a purchase ended: a business outcome, not an error.</summary>
public enum RegistrationStatus
{
    Purchased,
    AlreadyOwned,
    Unavailable,
}

/// <summary>Result of <see cref="IRegistrarClient.RegisterAsync"/>. Ids and amount are set when <see cref="Status"/> is Purchased.</summary>
public sealed record RegisterDomainResult(
    string Domain,
    RegistrationStatus Status,
    string? DomainId = null,
    string? OrderId = null,
    decimal? ChargedAmount = null,
    string? Reason = null
);

/// <summary>A domain in our registrar account.</summary>
public sealed record RegistrarDomainInfo(
    string Domain,
    string DomainId,
    string Status,
    bool UsesCustomNameservers,
    IReadOnlyList<string> Nameservers,
    DateOnly? CreatedOn,
    DateOnly? ExpiresOn
);
