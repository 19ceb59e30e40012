using System.Collections.Concurrent;
using Azure.Data.Tables;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Common;

/// <summary>
/// The Partner API's Azure Tables. Partners, API keys and rate-limit windows are shared (<c>PeekerPartners</c>, <c>PeekerApiKeys</c>, <c>PeekerRateLimits</c>);
/// everything else exists once per environment (<c>PeekerTest{Name}</c>, <c>PeekerLive{Name}</c>) so sandbox and live
/// data never mix.
/// </summary>
public sealed class PeekerTables(TableServiceClient service)
{
    /// <summary>Per-environment table names (without the environment prefix).</summary>
    public static readonly IReadOnlyList<string> EnvironmentTables =
    [
        "Bundles", "Users", "Domains", "Orders", "OrderClaims", "OrderIdempotency", "SequencerCredentials",
        "PendingActions", "Availability", "ForwardingJobs", "DomainImports",
        "DomainOwners", "ImportIdempotency", "Swaps", "SwapClaims",
    ];

    /// <summary>Shared table names.</summary>
    public static readonly IReadOnlyList<string> SharedTables = ["PeekerPartners", "PeekerApiKeys", "PeekerRateLimits"];

    private readonly ConcurrentDictionary<string, TableClient> _clients = new(StringComparer.Ordinal);

    /// <summary>The table <paramref name="name"/> of <paramref name="environment"/>.</summary>
    public TableClient For(PeekerEnvironment environment, string name) => Get(NameFor(environment, name));

    /// <summary>A shared table by full name.</summary>
    public TableClient Shared(string fullName) => Get(fullName);

    /// <summary>Full table name, letters and digits only.</summary>
    public static string NameFor(PeekerEnvironment environment, string name) => $"Peeker{environment}{name}";

    /// <summary>Creates every table if missing (idempotent; run at host start).</summary>
    public async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        var names = SharedTables.Concat(
            from env in Enum.GetValues<PeekerEnvironment>() from name in EnvironmentTables select NameFor(env, name));
        foreach (var name in names)
        {
            await service.CreateTableIfNotExistsAsync(name, cancellationToken);
        }
    }

    private TableClient Get(string fullName) => _clients.GetOrAdd(fullName, service.GetTableClient);
}
