namespace Peeker.Sandbox.Microsoft;

public sealed record MicrosoftCustomerState(string Id, string Domain, string CompanyName, string Email, DateTimeOffset CreatedOn);

public sealed record MicrosoftCartState(string Id, string CustomerId, string CatalogItemId, int Quantity, bool CheckedOut);

public sealed record MicrosoftLicenseState(string TenantId, Guid SkuId, string SkuPartNumber, int Enabled, int Consumed);

public sealed record MicrosoftDomainState(string Id, string TenantId, bool IsVerified, List<string> SupportedServices, string VerificationCode);

public sealed record MicrosoftUserState(string Id, string TenantId, string UserPrincipalName, string DisplayName, string? UsageLocation, List<Guid> Licenses);

/// <summary>A stored answer, replayed for a repeated <c>MS-RequestId</c>.</summary>
public sealed record MicrosoftReplayState(int Status, string Json);
