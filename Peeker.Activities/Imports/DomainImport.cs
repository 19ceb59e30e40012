using System.Text.Json.Serialization;

namespace Peeker.Activities.Imports;

/// <summary>Import statuses: <c>in_progress</c> until every domain is done, then <c>completed</c> (at least one domain imported) or <c>failed</c>.</summary>
public static class ImportStatus
{
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Failed = "failed";
}

/// <summary>Statuses of one domain of an import.</summary>
public static class ImportDomainStatus
{
    /// <summary>Waiting for the customer to switch the domain's nameservers to the ones shown.</summary>
    public const string Pending = "pending";

    /// <summary>The zone is active: the domain is in the partner's inventory and can be ordered.</summary>
    public const string Completed = "completed";

    /// <summary>Not imported; <c>reason</c> says why.</summary>
    public const string Failed = "failed";
}

/// <summary>Why a domain of an import failed.</summary>
public static class ImportFailureReason
{
    /// <summary>Not a registrable root domain (<c>mail.acme.com</c>), or not a domain name at all.</summary>
    public const string NotRootDomain = "not_root_domain";

    /// <summary>The partner already has the domain (in inventory or on an order).</summary>
    public const string AlreadyInAccount = "already_in_account";

    /// <summary>The domain is on another account's active order.</summary>
    public const string InUse = "domain_in_use";

    /// <summary>The nameservers were not switched within the import's waiting time.</summary>
    public const string NameserversNotSwitched = "nameservers_not_switched";

    /// <summary>Our DNS provider kept failing.</summary>
    public const string InternalError = "internal_error";
}

/// <summary>One domain of an import; <see cref="Nameservers"/> once its zone exists.</summary>
public sealed record ImportDomainRow(
    string Domain,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? Nameservers
);

/// <summary>Domains sharing one nameserver pair: what the customer sets at their registrar.</summary>
public sealed record NameserverGroup(IReadOnlyList<string> Nameservers, IReadOnlyList<string> Domains);

/// <summary>A domain import as <c>GET /domains/import/{id}</c> shows it.</summary>
public sealed record DomainImport(
    string Id,
    string Status,
    IReadOnlyList<NameserverGroup> NameserverGroups,
    IReadOnlyList<ImportDomainRow> Domains,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? CompletedAt
)
{
    /// <summary>Groups the rows that have nameservers by their pair (sorted, so the grouping is stable).</summary>
    public static IReadOnlyList<NameserverGroup> GroupsOf(IEnumerable<ImportDomainRow> rows) =>
        [
            .. rows.Where(r => r.Nameservers is { Count: > 0 } && r.Status != ImportDomainStatus.Failed)
                .GroupBy(r => string.Join(' ', r.Nameservers!.Order(StringComparer.Ordinal)), StringComparer.Ordinal)
                .OrderBy(g => g.Key, StringComparer.Ordinal)
                .Select(g => new NameserverGroup([.. g.First().Nameservers!.Order(StringComparer.Ordinal)], [.. g.Select(r => r.Domain)])),
        ];

    /// <summary>This import with <paramref name="change"/> applied to the row of <paramref name="domain"/>, groups recomputed.</summary>
    public DomainImport WithRow(string domain, Func<ImportDomainRow, ImportDomainRow> change)
    {
        var rows = Domains.Select(r => r.Domain == domain ? change(r) : r).ToList();
        return this with { Domains = rows, NameserverGroups = GroupsOf(rows) };
    }
}
