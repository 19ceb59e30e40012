namespace Peeker.Sandbox.Google;

public sealed record GoogleCustomerState(string CustomerId, string CustomerDomain, string AlternateEmail, string? RawPostalAddress, DateTimeOffset CreatedOn);

public sealed record GoogleSubscriptionState(string SubscriptionId, string CustomerId, string SkuId, string PlanName, int Seats, string Status, DateTimeOffset CreatedOn);

public sealed record GoogleUserState(string Id, string PrimaryEmail, string GivenName, string FamilyName, string CustomerId, List<string> Aliases, bool HasPhoto, DateTimeOffset CreationTime);

public sealed record GoogleTokenState(string Domain, string Token);
