using Peeker.Activities.Orders;

namespace Peeker.Functions.PartnerApi;

/// <summary>Costs in the lean receipt.</summary>
public sealed record ReceiptCosts(long TotalCents, string Currency);

/// <summary>The lean order receipt of create and list (spec 6.4).</summary>
public sealed record OrderReceipt(
    string Id,
    string UserId,
    string Email,
    string? BundleId,
    string Status,
    int DomainCount,
    ReceiptCosts Costs,
    DateTimeOffset RenewsAt,
    DateTimeOffset CreatedAt
)
{
    /// <summary>The receipt of an order.</summary>
    public static OrderReceipt Of(Order o) =>
        new(
            o.Id,
            o.UserId,
            o.Email,
            o.BundleId,
            o.Status,
            o.Domains.Count,
            new ReceiptCosts(o.Costs.TotalCents, o.Costs.Currency),
            o.RenewsAt,
            o.CreatedAt
        );
}

/// <summary>A domain named in a cancellation.</summary>
public sealed record CancelledDomain(string Id, string Domain);

/// <summary>The answer to <c>POST /orders/{id}/cancel</c>.</summary>
public sealed record CancelResponse(
    string Id,
    string Status,
    DateTimeOffset CancellationScheduledAt,
    DateTimeOffset CancelsAt,
    IReadOnlyList<CancelledDomain> Domains
);

/// <summary>Documented fields of <c>POST /orders</c> (see the README for the older forms).</summary>
public sealed record OrderRequest(
    string User,
    string? BundleId,
    int? GoogleLicenses,
    int? MicrosoftLicenses,
    int? GoogleInboxesPerDomain,
    OrderSequencerRequest Sequencer,
    string? ForwardingUrl,
    IReadOnlyList<object> Domains,
    IReadOnlyList<Persona> Personas
);

/// <summary>Sequencer routing plus the Smartlead login (write-only).</summary>
public sealed record OrderSequencerRequest(string Provider, long? ClientId, string LoginEmail, string LoginPassword);

/// <summary>Optional body of a cancellation: domain ids or names; absent = the whole order.</summary>
public sealed record CancelRequest(IReadOnlyList<string>? Domains);

/// <summary>Body of <c>POST /orders/pending/{id}/resolve</c> (for OpenAPI): the reachable https picture to use instead.</summary>
public sealed record ResolveActionRequest(string ProfilePictureUrl);
