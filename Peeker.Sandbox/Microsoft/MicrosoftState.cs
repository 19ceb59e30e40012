namespace Peeker.Sandbox.Microsoft;

/// <summary>A simulated customer tenant (id = tenant id).</summary>
public sealed record MicrosoftCustomerState(string Id, string Domain, string CompanyName, string Email, DateTimeOffset CreatedOn);

/// <summary>A simulated Partner Center cart.</summary>
public sealed record MicrosoftCartState(string Id, string CustomerId, string CatalogItemId, int Quantity, bool CheckedOut);

/// <summary>Licences of one SKU in one tenant: bought and consumed.</summary>
public sealed record MicrosoftLicenseState(
    string TenantId,
    Guid SkuId,
    string SkuPartNumber,
    int Enabled,
    int Consumed,
    string Status = "active",
    string? CatalogItemId = null
);

/// <summary>A simulated Graph domain with its MS=ms verification code.</summary>
public sealed record MicrosoftDomainState(
    string Id,
    string TenantId,
    bool IsVerified,
    List<string> SupportedServices,
    string VerificationCode
);

/// <summary>A simulated Graph user and its assigned SKUs.</summary>
public sealed record MicrosoftUserState(
    string Id,
    string TenantId,
    string UserPrincipalName,
    string DisplayName,
    string? UsageLocation,
    List<Guid> Licenses,
    string? GivenName = null,
    string? Surname = null
);

/// <summary>A stored answer, replayed for a repeated <c>MS-RequestId</c>.</summary>
public sealed record MicrosoftReplayState(int Status, string Json);
