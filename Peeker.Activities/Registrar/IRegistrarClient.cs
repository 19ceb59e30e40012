using Peeker.Activities.Providers;

namespace Peeker.Activities.Registrar;

/// <summary>A domain registrar (reseller API): availability and prices, registration, nameservers.</summary>
public interface IRegistrarClient
{
    /// <summary>Availability and prices for each name, in input order. Names are already normalised (lower case, punycode).</summary>
    Task<IReadOnlyList<DomainAvailability>> CheckAvailabilityAsync(IReadOnlyList<string> domains, CancellationToken cancellationToken);
}

/// <summary>Creates the registrar client for a caller's environment and partner.</summary>
public interface IRegistrarClientFactory
{
    /// <summary>The client for <paramref name="scope"/> (sandbox: the simulator; live: the real registrar).</summary>
    IRegistrarClient Create(ProviderScope scope);
}

/// <summary>One row of an availability check. Prices are in <see cref="Currency"/> per year.</summary>
public sealed record DomainAvailability(
    string Domain,
    bool Available,
    bool Premium,
    decimal? FirstYearPrice,
    decimal? RenewalPrice,
    string Currency);
