using System.Collections.Concurrent;
using Peeker.Activities.Providers;
using Peeker.Activities.Registrar;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// Deterministic registrar: labels starting <c>taken</c> are registered, <c>premium</c> are premium, <c>boom</c> makes
/// the whole call fail; everything else is available at a price by TLD. Remembers every name it was asked about.
/// </summary>
public sealed class FakeRegistrarFactory : IRegistrarClientFactory
{
    public ConcurrentQueue<(ProviderScope Scope, string Domain)> Queries { get; } = new();

    public IRegistrarClient Create(ProviderScope scope) => new Client(this, scope);

    public int CountQueries(string domain) => Queries.Count(q => q.Domain == domain);

    private sealed class Client(FakeRegistrarFactory owner, ProviderScope scope) : IRegistrarClient
    {
        public Task<RegisterDomainResult> RegisterAsync(RegisterDomainRequest request, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The Partner API never buys domains.");

        public Task SetNameserversAsync(string domain, IReadOnlyList<string> nameservers, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The Partner API never changes nameservers.");

        public Task<RegistrarDomainInfo?> GetDomainInfoAsync(string domain, CancellationToken cancellationToken) =>
            throw new NotSupportedException("The Partner API never reads registrar domain info.");

        public Task<IReadOnlyList<DomainAvailability>> CheckAvailabilityAsync(
            IReadOnlyList<string> domains,
            CancellationToken cancellationToken
        )
        {
            foreach (var d in domains)
            {
                owner.Queries.Enqueue((scope, d));
            }

            if (domains.Any(d => d.StartsWith("boom", StringComparison.Ordinal)))
            {
                throw new HttpRequestException("registrar down");
            }

            IReadOnlyList<DomainAvailability> rows = domains
                .Select(d =>
                {
                    var (first, renewal) = d[(d.LastIndexOf('.') + 1)..] switch
                    {
                        "com" => (13.00m, 15.00m),
                        "net" => (14.00m, 16.00m),
                        "io" => (40.00m, 45.00m),
                        _ => (20.00m, 22.00m),
                    };
                    return d.StartsWith("taken", StringComparison.Ordinal) ? new DomainAvailability(d, false, false, null, null, "USD")
                        : d.StartsWith("premium", StringComparison.Ordinal) ? new DomainAvailability(d, false, true, 2500m, 2500m, "USD")
                        : new DomainAvailability(d, true, false, first, renewal, "USD");
                })
                .ToList();
            return Task.FromResult(rows);
        }
    }
}
