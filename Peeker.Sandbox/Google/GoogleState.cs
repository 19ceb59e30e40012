namespace Peeker.Sandbox.Google;

/// <summary>A simulated reseller customer.</summary>
public sealed record GoogleCustomerState(
    string CustomerId,
    string CustomerDomain,
    string AlternateEmail,
    string? RawPostalAddress,
    DateTimeOffset CreatedOn
);

/// <summary>A simulated subscription (its seats bound user creation).</summary>
public sealed record GoogleSubscriptionState(
    string SubscriptionId,
    string CustomerId,
    string SkuId,
    string PlanName,
    int Seats,
    string Status,
    DateTimeOffset CreatedOn
);

/// <summary>A simulated Directory user.</summary>
public sealed record GoogleUserState(
    string Id,
    string PrimaryEmail,
    string GivenName,
    string FamilyName,
    string CustomerId,
    List<string> Aliases,
    bool HasPhoto,
    DateTimeOffset CreationTime
);

/// <summary>A Site Verification token issued (or, under google.verified, verified) for a domain.</summary>
public sealed record GoogleTokenState(string Domain, string Token);
