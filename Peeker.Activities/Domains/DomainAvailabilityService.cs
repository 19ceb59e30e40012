using System.Text.Json.Serialization;
using Azure.Data.Tables;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;
using Peeker.Activities.Registrar;

namespace Peeker.Activities.Domains;

/// <summary>One row of <c>POST /domains/availability</c> (spec section 5).</summary>
public sealed record AvailabilityRow(
    string Domain,
    bool Available,
    bool Premium,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? PriceCents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] long? RenewalPriceCents,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Currency,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] IReadOnlyList<string>? UsableFor,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason
);

/// <summary>
/// Availability through the registrar client of the caller's environment, cached per partner and name for 5 minutes
/// in <c>Peeker{Env}Availability</c> (PartitionKey = partner id, since the sandbox registrar keeps state per partner),
/// with this host's <see cref="AvailabilityMemoryCache"/> in front: a name fresh in memory costs no table read, a miss
/// reads the table, then asks the registrar for what is still missing or expired and fills both. An expired entry is
/// refreshed synchronously; when the refresh fails the old entry is returned as <c>stale</c>, and a name never seen
/// comes back <c>errored</c>.
/// </summary>
public sealed class DomainAvailabilityService(
    PeekerTables tables,
    AvailabilityMemoryCache memory,
    IRegistrarClientFactory registrars,
    TimeProvider time,
    IOptions<PeekerOptions> options,
    ILogger<DomainAvailabilityService> logger
)
{
    /// <summary>How long a registrar answer is served from the cache.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(5);

    private const int ParallelReads = 16;

    /// <summary>One row per input, in input order; invalid names become <c>invalid</c> rows.</summary>
    public async Task<IReadOnlyList<AvailabilityRow>> CheckAsync(
        ProviderScope scope,
        IReadOnlyList<string> inputs,
        CancellationToken cancellationToken
    )
    {
        var now = time.GetUtcNow();
        var normalized = inputs.Select(DomainNames.Normalize).ToList();
        var names = normalized.OfType<string>().Distinct(StringComparer.Ordinal).ToList();
        var cached = new Dictionary<string, AvailabilityAnswer>(StringComparer.Ordinal);
        foreach (var name in names)
        {
            if (memory.Get(scope, name) is { } answer)
            {
                cached[name] = answer;
            }
        }

        var failed = false;
        if (cached.Count < names.Count)
        {
            failed = await FillAsync(scope, names.Where(n => !cached.ContainsKey(n)).ToList(), cached, now, cancellationToken);
        }

        return normalized.Select((name, i) => ToRow(inputs[i], name, cached, failed, now)).ToList();
    }

    /// <summary>Memory misses: the table, then the registrar for what is missing or expired; true when the registrar failed.</summary>
    private async Task<bool> FillAsync(
        ProviderScope scope,
        List<string> misses,
        Dictionary<string, AvailabilityAnswer> cached,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(scope.Environment, "Availability");

        // Point reads side by side (another host may have asked for these names): one round trip's latency, not fifty.
        var rows = new TableEntity?[misses.Count];
        await Parallel.ForAsync(
            0,
            misses.Count,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelReads, CancellationToken = cancellationToken },
            async (i, ct) => rows[i] = await table.FindAsync(scope.PartnerId, misses[i], ct)
        );
        foreach (var row in rows.OfType<TableEntity>())
        {
            var answer = FromRow(row);
            cached[row.RowKey] = answer;
            memory.Set(scope, row.RowKey, answer);
        }

        var toQuery = misses.Where(n => !cached.TryGetValue(n, out var answer) || now - answer.CheckedAt >= Freshness).ToList();
        if (toQuery.Count == 0)
        {
            return false;
        }

        try
        {
            var answers = await registrars.Create(scope).CheckAvailabilityAsync(toQuery, cancellationToken);
            var writes = new List<TableTransactionAction>();
            foreach (var answer in answers.DistinctBy(a => a.Domain, StringComparer.Ordinal))
            {
                var fresh = new AvailabilityAnswer(
                    answer.Available,
                    answer.Premium,
                    ToCents(answer.FirstYearPrice),
                    ToCents(answer.RenewalPrice),
                    answer.Currency.ToLowerInvariant(),
                    now,
                    answer.UnsupportedTld
                );
                writes.Add(new TableTransactionAction(TableTransactionActionType.UpsertReplace, ToRow(scope, answer.Domain, fresh)));
                cached[answer.Domain] = fresh;
                memory.Set(scope, answer.Domain, fresh);
            }

            // One partition (the partner), so the answers go in batches of up to 100 instead of a request each.
            foreach (var batch in writes.Chunk(100))
            {
                await table.SubmitTransactionAsync(batch, cancellationToken);
            }

            return false;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            logger.LogWarning(ex, "Registrar availability check failed for {Count} names", toQuery.Count);
            return true;
        }
    }

    /// <summary>Providers a domain can run.</summary>
    public IReadOnlyList<string> UsableFor(string domain) =>
        options.Value.GoogleOnlyTlds.Contains(DomainNames.Tld(domain), StringComparer.OrdinalIgnoreCase)
            ? ["google"]
            : ["google", "microsoft"];

    private AvailabilityRow ToRow(
        string input,
        string? name,
        Dictionary<string, AvailabilityAnswer> cached,
        bool failed,
        DateTimeOffset now
    )
    {
        if (name is null)
        {
            return new AvailabilityRow(input, false, false, null, null, null, null, "invalid");
        }

        if (!cached.TryGetValue(name, out var answer))
        {
            return new AvailabilityRow(name, false, false, null, null, null, null, "errored");
        }

        if (answer.UnsupportedTld)
        {
            return new AvailabilityRow(name, false, false, null, null, null, null, "invalid");
        }

        if (failed && now - answer.CheckedAt >= Freshness)
        {
            return new AvailabilityRow(name, false, answer.Premium, null, null, null, null, "stale");
        }

        if (answer.Premium)
        {
            return new AvailabilityRow(name, false, true, null, null, null, null, "premium");
        }

        return answer.Available
            ? new AvailabilityRow(name, true, false, answer.PriceCents, answer.RenewalPriceCents, answer.Currency, UsableFor(name), null)
            : new AvailabilityRow(name, false, false, null, null, null, null, "taken");
    }

    private static AvailabilityAnswer FromRow(TableEntity row) =>
        new(
            row.GetBoolean("Available") == true,
            row.GetBoolean("Premium") == true,
            row.GetInt64("PriceCents"),
            row.GetInt64("RenewalPriceCents"),
            row.GetString("Currency"),
            row.Time("CheckedAt"),
            row.GetBoolean("UnsupportedTld") == true
        );

    private static TableEntity ToRow(ProviderScope scope, string name, AvailabilityAnswer answer) =>
        new(scope.PartnerId, name)
        {
            ["Available"] = answer.Available,
            ["Premium"] = answer.Premium,
            ["UnsupportedTld"] = answer.UnsupportedTld,
            ["PriceCents"] = answer.PriceCents,
            ["RenewalPriceCents"] = answer.RenewalPriceCents,
            ["Currency"] = answer.Currency,
            ["CheckedAt"] = answer.CheckedAt,
        };

    private static long? ToCents(decimal? price) => price is { } p ? (long)decimal.Round(p * 100, MidpointRounding.AwayFromZero) : null;
}
