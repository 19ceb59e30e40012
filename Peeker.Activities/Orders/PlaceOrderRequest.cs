namespace Peeker.Activities.Orders;

/// <summary>A domain as submitted: the raw name and an optional per-domain forwarding URL.</summary>
public sealed record RequestedDomain(string Domain, string? ForwardingUrl);

/// <summary>
/// A syntactically valid <c>POST /orders</c> body, already reduced to one shape: exactly one of
/// <see cref="UserId"/>/<see cref="UserEmail"/>, and either <see cref="BundleId"/> or the license counts.
/// </summary>
public sealed record PlaceOrderRequest(
    string ApiKeyId,
    string BodyHash,
    string? UserId,
    string? UserEmail,
    string? UserFirstName,
    string? UserLastName,
    string? BundleId,
    int? GoogleLicenses,
    int? MicrosoftLicenses,
    int GoogleInboxesPerDomain,
    SequencerCredentials Sequencer,
    string? ForwardingUrl,
    IReadOnlyList<RequestedDomain> Domains,
    IReadOnlyList<Persona> Personas
);

/// <summary>The order and whether it was a replay of an earlier identical request.</summary>
public sealed record PlaceOrderResult(Order Order, bool Replayed);
