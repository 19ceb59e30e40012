using System.Text.Json.Serialization;

namespace Peeker.Activities.Microsoft;

internal sealed record PcCustomer(string? Id, PcCompanyProfile CompanyProfile, PcBillingProfile? BillingProfile);

internal sealed record PcCompanyProfile(string Domain, string? TenantId, string? CompanyName);

internal sealed record PcBillingProfile(string Culture, string Email, string Language, string CompanyName, PcAddress DefaultAddress);

internal sealed record PcAddress(
    string FirstName,
    string LastName,
    string AddressLine1,
    string City,
    string State,
    string PostalCode,
    string Country,
    string PhoneNumber
);

internal sealed record PcCart(string? Id, List<PcCartLineItem> LineItems);

internal sealed record PcCartLineItem(int Id, string CatalogItemId, int Quantity, string BillingCycle, string TermDuration);

internal sealed record PcCheckout(List<PcOrder>? Orders, List<PcOrderError>? OrderErrors);

internal sealed record PcOrder(string Id, List<PcOrderLineItem>? LineItems, string? Status);

internal sealed record PcOrderLineItem(int LineItemNumber, string OfferId, int Quantity);

internal sealed record PcOrderError(int? OrderGroupId, int? Code, string? Description);

internal sealed record PcCollection<T>(int TotalCount, List<T>? Items);

internal sealed record PcSubscription(string Id, string OfferId, int Quantity, string? Status);

internal sealed record PcError(int? Code, string? Description);

internal sealed record GraphDomain(string Id, bool? IsVerified, List<string>? SupportedServices);

internal sealed record GraphNewDomain(string Id);

internal sealed record GraphServices(List<string> SupportedServices);

internal sealed record GraphList<T>(List<T> Value);

internal sealed record GraphDnsRecord(
    [property: JsonPropertyName("@odata.type")] string? ODataType,
    string RecordType,
    string Label,
    int Ttl,
    string? Text,
    string? MailExchange,
    int? Preference,
    string? CanonicalName,
    string? SupportedService
);

internal sealed record GraphSku(Guid SkuId, string SkuPartNumber, GraphPrepaidUnits PrepaidUnits, int ConsumedUnits);

internal sealed record GraphPrepaidUnits(int Enabled);

internal sealed record GraphNewUser(
    bool AccountEnabled,
    string DisplayName,
    string MailNickname,
    string UserPrincipalName,
    GraphPasswordProfile PasswordProfile,
    string GivenName,
    string Surname,
    string UsageLocation
);

internal sealed record GraphPasswordProfile(string Password, bool ForceChangePasswordNextSignIn);

internal sealed record GraphUser(string Id, string UserPrincipalName);

internal sealed record GraphUserPatch(string UserPrincipalName, string MailNickname, string DisplayName, string GivenName, string Surname);

internal sealed record GraphAssignLicense(List<GraphAddLicense> AddLicenses, List<Guid> RemoveLicenses);

internal sealed record GraphAddLicense(Guid SkuId, List<Guid> DisabledPlans);

internal sealed record GraphErrorBody(GraphError? Error);

internal sealed record GraphError(string? Code, string? Message);
