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
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Reason);

/// <summary>
/// Availability through the registrar client of the caller's environment, cached per partner and name for 5 minutes
/// in <c>Peeker{Env}Availability</c> (PartitionKey = partner id, since the sandbox registrar keeps state per partner). An expired entry is refreshed synchronously; when the refresh fails the old
/// entry is returned as <c>stale</c>, and a name never seen comes back <c>errored</c>.
/// </summary>
public sealed class DomainAvailabilityService(
    PeekerTables tables, IRegistrarClientFactory registrars, TimeProvider time, IOptions<PeekerOptions> options, ILogger<DomainAvailabilityService> logger)
{
    /// <summary>How long a registrar answer is served from the cache.</summary>
    public static readonly TimeSpan Freshness = TimeSpan.FromMinutes(5);

    /// <summary>One row per input, in input order; invalid names become <c>invalid</c> rows.</summary>
    public async Task<IReadOnlyList<AvailabilityRow>> CheckAsync(ProviderScope scope, IReadOnlyList<string> inputs, CancellationToken cancellationToken)
    {
        var table = tables.For(scope.Environment, "Availability");
        var now = time.GetUtcNow();
        var normalized = inputs.Select(DomainNames.Normalize).ToList();
        var cached = new Dictionary<string, TableEntity>(StringComparer.Ordinal);
        foreach (var name in normalized.OfType<string>().Distinct())
        {
            if (await table.FindAsync(scope.PartnerId, name, cancellationToken) is { } row)
            {
                cached[name] = row;
            }
        }

        var toQuery = normalized.OfType<string>().Distinct()
            .Where(n => !cached.TryGetValue(n, out var row) || now - row.Time("CheckedAt") >= Freshness).ToList();
        var failed = false;
        if (toQuery.Count > 0)
        {
            try
            {
                var answers = await registrars.Create(scope).CheckAvailabilityAsync(toQuery, cancellationToken);
                foreach (var answer in answers)
                {
                    var row = new TableEntity(scope.PartnerId, answer.Domain)
                    {
                        ["Available"] = answer.Available,
                        ["Premium"] = answer.Premium,
                        ["UnsupportedTld"] = answer.UnsupportedTld,
                        ["PriceCents"] = ToCents(answer.FirstYearPrice),
                        ["RenewalPriceCents"] = ToCents(answer.RenewalPrice),
                        ["Currency"] = answer.Currency.ToLowerInvariant(),
                        ["CheckedAt"] = now,
                    };
                    await table.UpsertEntityAsync(row, TableUpdateMode.Replace, cancellationToken);
                    cached[answer.Domain] = row;
                }
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning(ex, "Registrar availability check failed for {Count} names", toQuery.Count);
                failed = true;
            }
        }

        return normalized.Select((name, i) => ToRow(inputs[i], name, cached, failed, now)).ToList();
    }

    /// <summary>Providers a domain can run.</summary>
    public IReadOnlyList<string> UsableFor(string domain) =>
        options.Value.GoogleOnlyTlds.Contains(DomainNames.Tld(domain), StringComparer.OrdinalIgnoreCase) ? ["google"] : ["google", "microsoft"];

    private AvailabilityRow ToRow(string input, string? name, Dictionary<string, TableEntity> cached, bool failed, DateTimeOffset now)
    {
        if (name is null)
        {
            return new AvailabilityRow(input, false, false, null, null, null, null, "invalid");
        }

        if (!cached.TryGetValue(name, out var row))
        {
            return new AvailabilityRow(name, false, false, null, null, null, null, "errored");
        }

        if (row.GetBoolean("UnsupportedTld") == true)
        {
            return new AvailabilityRow(name, false, false, null, null, null, null, "invalid");
        }

        var premium = row.GetBoolean("Premium") == true;
        if (failed && now - row.Time("CheckedAt") >= Freshness)
        {
            return new AvailabilityRow(name, false, premium, null, null, null, null, "stale");
        }

        if (premium)
        {
            return new AvailabilityRow(name, false, true, null, null, null, null, "premium");
        }

        return row.GetBoolean("Available") == true
            ? new AvailabilityRow(name, true, false, row.GetInt64("PriceCents"), row.GetInt64("RenewalPriceCents"), row.GetString("Currency"), UsableFor(name), null)
            : new AvailabilityRow(name, false, false, null, null, null, null, "taken");
    }

    private static long? ToCents(decimal? price) => price is { } p ? (long)decimal.Round(p * 100, MidpointRounding.AwayFromZero) : null;
}
