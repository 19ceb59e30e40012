using Peeker.Activities.Users;

namespace Peeker.Activities.Orders;

/// <summary>Names by source: <c>registered</c> (bought by Peeker) and <c>imported</c>.</summary>
public sealed record OrderDomainNames(IReadOnlyList<string> Registered, IReadOnlyList<string> Imported);

/// <summary>
/// The full order (spec 6.5): the receipt fields plus line items, domains by source, personas (also as the older
/// <c>users</c>), and our extension <c>domain_details</c> with each domain's id, provider, forwarding URL, status and inbox addresses, and
/// <c>failure</c> (a catalogue code and fixed message; null unless failed). Sequencer credentials are never part of it.
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
    DateTimeOffset? CancelsAt,
    OrderFailure? Failure
)
{
    /// <summary>The full view of an order.</summary>
    public static OrderView Of(Order o) =>
        new(
            o.Id,
            o.UserId,
            o.Email,
            o.BundleId,
            o.Status,
            o.Domains.Count,
            o.GoogleLicenses,
            o.MicrosoftLicenses,
            o.GoogleInboxesPerDomain,
            new SequencerRouting("smartlead", o.SequencerClientId),
            o.ForwardingUrl,
            o.Costs,
            new OrderDomainNames(
                o.Domains.Where(d => d.Source == "registered").Select(d => d.Domain).ToList(),
                o.Domains.Where(d => d.Source == "imported").Select(d => d.Domain).ToList()
            ),
            o.Domains,
            o.Personas,
            o.Personas,
            o.RenewsAt,
            o.CreatedAt,
            o.CancelsAt,
            o.Failure
        );
}
