using Peeker.Activities.Orders;
using Peeker.Activities.Users;

namespace Peeker.Functions.PartnerApi;

/// <summary>Costs in the lean receipt.</summary>
public sealed record ReceiptCosts(long TotalCents, string Currency);

/// <summary>The lean order receipt of create and list (spec 6.4).</summary>
public sealed record OrderReceipt(string Id, string UserId, string Email, string? BundleId, string Status, int DomainCount, ReceiptCosts Costs,
    DateTimeOffset RenewsAt, DateTimeOffset CreatedAt)
{
    /// <summary>The receipt of an order.</summary>
    public static OrderReceipt Of(Order o) => new(o.Id, o.UserId, o.Email, o.BundleId, o.Status, o.Domains.Count,
        new ReceiptCosts(o.Costs.TotalCents, o.Costs.Currency), o.RenewsAt, o.CreatedAt);
}

/// <summary>Names by source: <c>registered</c> (bought by Peeker) and <c>imported</c>.</summary>
public sealed record OrderDomainNames(IReadOnlyList<string> Registered, IReadOnlyList<string> Imported);

/// <summary>
/// The full order (spec 6.5): the receipt fields plus line items, domains by source, personas (also as the older
/// <c>users</c>), and our extension <c>domain_details</c> with each domain's id, provider and status. Sequencer
/// credentials are never part of it.
/// </summary>
public sealed record OrderView(
    string Id,
    string UserId,
    string Email,
    string? BundleId,
    string Status,
    int DomainCount,
    int GoogleLicenses,
    int MicrosoftLicenses,
    int GoogleInboxesPerDomain,
    SequencerRouting Sequencer,
    string? ForwardingUrl,
    OrderCosts Costs,
    OrderDomainNames Domains,
    IReadOnlyList<OrderDomain> DomainDetails,
    IReadOnlyList<Persona> Personas,
    IReadOnlyList<Persona> Users,
    DateTimeOffset RenewsAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelsAt)
{
    /// <summary>The full view of an order.</summary>
    public static OrderView Of(Order o) => new(o.Id, o.UserId, o.Email, o.BundleId, o.Status, o.Domains.Count, o.GoogleLicenses, o.MicrosoftLicenses,
        o.GoogleInboxesPerDomain, new SequencerRouting("smartlead", o.SequencerClientId), o.ForwardingUrl, o.Costs,
        new OrderDomainNames(
            o.Domains.Where(d => d.Source == "registered").Select(d => d.Domain).ToList(),
            o.Domains.Where(d => d.Source == "imported").Select(d => d.Domain).ToList()),
        o.Domains, o.Personas, o.Personas, o.RenewsAt, o.CreatedAt, o.CancelsAt);
}

/// <summary>A domain named in a cancellation.</summary>
public sealed record CancelledDomain(string Id, string Domain);

/// <summary>The answer to <c>POST /orders/{id}/cancel</c>.</summary>
public sealed record CancelResponse(string Id, string Status, DateTimeOffset CancellationScheduledAt, DateTimeOffset CancelsAt, IReadOnlyList<CancelledDomain> Domains);

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
    IReadOnlyList<Persona> Personas);

/// <summary>Sequencer routing plus the Smartlead login (write-only).</summary>
public sealed record OrderSequencerRequest(string Provider, long? ClientId, string LoginEmail, string LoginPassword);

/// <summary>Optional body of a cancellation: domain ids or names; absent = the whole order.</summary>
public sealed record CancelRequest(IReadOnlyList<string>? Domains);
