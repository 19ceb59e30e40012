using System.Text.Json.Serialization;

namespace Peeker.Activities.Google;

internal sealed record GCustomer(
    string? CustomerId,
    string CustomerDomain,
    string? AlternateEmail,
    GPostalAddress? PostalAddress,
    string? PhoneNumber,
    string? CustomerType
);

internal sealed record GPostalAddress(
    string ContactName,
    string OrganizationName,
    string AddressLine1,
    string Locality,
    string Region,
    string PostalCode,
    string CountryCode
);

internal sealed record GSubscription(string? SubscriptionId, string? CustomerId, string SkuId, GPlan Plan, GSeats Seats, string? Status);

internal sealed record GPlan(string PlanName);

internal sealed record GSeats(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? NumberOfSeats,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? MaximumNumberOfSeats
);

internal sealed record GSubscriptionList(List<GSubscription>? Subscriptions);

internal sealed record GSite(string Type, string Identifier);

internal sealed record GTokenRequest(GSite Site, string VerificationMethod);

internal sealed record GTokenResponse(string? Method, string Token);

internal sealed record GWebResource(GSite Site);

internal sealed record GUser(
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Id,
    string PrimaryEmail,
    GUserName? Name,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Password,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] bool? ChangePasswordAtNextLogin,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] List<string>? Aliases = null
);

internal sealed record GUserName(string GivenName, string FamilyName);

internal sealed record GAlias(string Alias);

internal sealed record GPhoto(string PhotoData, string MimeType);

internal sealed record GErrorBody(GError? Error);

internal sealed record GError(int Code, string? Message, List<GErrorItem>? Errors);

internal sealed record GErrorItem(string? Domain, string? Reason, string? Message);
