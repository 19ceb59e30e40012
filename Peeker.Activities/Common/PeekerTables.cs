using System.Collections.Concurrent;
using Azure.Data.Tables;

namespace Peeker.Activities.Common;

/// <summary>
/// Peeker's Azure Tables. Partners, API keys and rate-limit windows are shared (<c>PeekerPartners</c>, <c>PeekerApiKeys</c>, <c>PeekerRateLimits</c>),
/// and so are the webhook tables (<see cref="WebhookEndpoints"/>, <see cref="WebhookEvents"/>, <see cref="WebhookAttempts"/>:
/// their keys carry the environment); everything else exists once per environment (<c>PeekerTest{Name}</c>,
/// <c>PeekerLive{Name}</c>) so sandbox and live data never mix.
/// </summary>
public sealed class PeekerTables(TableServiceClient service)
{
    /// <summary>Per-environment table names (without the environment prefix).</summary>
    public static readonly IReadOnlyList<string> EnvironmentTables =
    [
        "Bundles",
        "Users",
        "Domains",
        "DomainNames",
        "Orders",
        "OrderClaims",
        "OrderIdempotency",
        "SequencerCredentials",
        "PendingActions",
        "Availability",
        "ForwardingJobs",
        "DomainImports",
        "DomainOwners",
        "ImportIdempotency",
        "Swaps",
        "SwapClaims",
    ];

    /// <summary>Webhook endpoints, one row per partner and environment.</summary>
    public const string WebhookEndpoints = "WebhookEndpoints";

    /// <summary>Webhook events (the outbox) and their idempotency keys.</summary>
    public const string WebhookEvents = "WebhookEvents";

    /// <summary>Webhook delivery attempts.</summary>
    public const string WebhookAttempts = "WebhookAttempts";

    /// <summary>Shared table names.</summary>
    public static readonly IReadOnlyList<string> SharedTables =
    [
        "PeekerPartners",
        "PeekerApiKeys",
        "PeekerRateLimits",
        WebhookEndpoints,
        WebhookEvents,
        WebhookAttempts,
    ];

    private readonly ConcurrentDictionary<string, TableClient> _clients = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task<TableClient>> _created = new(StringComparer.Ordinal);

    /// <summary>The table <paramref name="name"/> of <paramref name="environment"/>.</summary>
    public TableClient For(PeekerEnvironment environment, string name) => Get(NameFor(environment, name));

    /// <summary>A shared table by full name.</summary>
    public TableClient Shared(string fullName) => Get(fullName);

    /// <summary>
    /// A shared table by full name, created if missing on its first use here: for a host that uses it without running
    /// <see cref="CreateAllAsync"/> at start (a worker delivering webhooks), or a name with a test's prefix. A failed
    /// creation is tried again on the next use.
    /// </summary>
    public Task<TableClient> SharedCreatedAsync(string fullName, CancellationToken cancellationToken)
    {
        if (_created.TryGetValue(fullName, out var existing) && existing is { IsFaulted: false, IsCanceled: false })
        {
            return existing;
        }

        var created = CreateAsync(fullName, cancellationToken);
        _created[fullName] = created;
        return created;
    }

    /// <summary>Full table name, letters and digits only.</summary>
    public static string NameFor(PeekerEnvironment environment, string name) => $"Peeker{environment}{name}";

    /// <summary>Creates every table if missing (idempotent; run at host start).</summary>
    public async Task CreateAllAsync(CancellationToken cancellationToken)
    {
        var names = SharedTables.Concat(
            from env in Enum.GetValues<PeekerEnvironment>()
            from name in EnvironmentTables
            select NameFor(env, name)
        );
        foreach (var name in names)
        {
            await service.CreateTableIfNotExistsAsync(name, cancellationToken);
        }
    }

    private TableClient Get(string fullName) => _clients.GetOrAdd(fullName, service.GetTableClient);

    private async Task<TableClient> CreateAsync(string fullName, CancellationToken cancellationToken)
    {
        var table = Get(fullName);
        await table.CreateIfNotExistsAsync(cancellationToken);
        return table;
    }
}
