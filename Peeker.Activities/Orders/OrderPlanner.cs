using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Orders;

/// <summary>The order's domains with providers assigned, and what registering them costs.</summary>
public sealed record OrderPlan(IReadOnlyList<OrderDomain> Domains, long RegistrationCents, int RegisteredCount, string Currency);

/// <summary>Per valid name: the order actively claiming it, its owning partner, the partner's inventory row id (names without one are absent).</summary>
public sealed record OrderDomainFacts(
    Dictionary<string, string> ActiveOrders,
    Dictionary<string, string> Owners,
    Dictionary<string, string> Inventory
);

/// <summary>
/// The domain rules of spec section 6.3, reads only: names valid and distinct, count equal to the plan, none on
/// another active order nor held by another partner, each available and not premium (or in the partner's inventory), enough usable for
/// Microsoft. Assigns providers: Google-only names to Google, then the first Microsoft-usable names to Microsoft.
/// </summary>
public sealed class OrderPlanner(
    DomainStore domains,
    DomainAvailabilityService availability,
    TimeProvider time,
    IOptions<PeekerOptions> options
)
{
    /// <summary>Domain status while an order provisions it.</summary>
    public const string Provisioning = "provisioning";

    private const int ParallelNames = 16;

    /// <summary>
    /// What the stores hold for each submitted name (its active order, its owner, the partner's inventory row), read
    /// side by side: reads only, so <see cref="OrderPlacement"/> runs them next to its other checks. Null, with nothing
    /// read, when the names or their count are wrong (<see cref="PlanAsync"/> then says so, in its turn).
    /// </summary>
    public async Task<OrderDomainFacts?> ReadAsync(
        ProviderScope scope,
        IReadOnlyList<RequestedDomain> requested,
        int googleLicenses,
        int microsoftLicenses,
        int inboxesPerDomain,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(scope);
        List<string> names;
        try
        {
            names = CheckNames(requested, googleLicenses, microsoftLicenses, inboxesPerDomain);
        }
        catch (ApiException)
        {
            return null;
        }

        return await ReadNamesAsync(scope, names, cancellationToken);
    }

    private async Task<OrderDomainFacts> ReadNamesAsync(ProviderScope scope, List<string> names, CancellationToken cancellationToken)
    {
        var found = new (string? ActiveOrder, string? Owner, string? InventoryId)[names.Count];
        await Parallel.ForAsync(
            0,
            names.Count,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelNames, CancellationToken = cancellationToken },
            async (i, ct) =>
            {
                var active = domains.ActiveOrderOfAsync(scope.Environment, names[i], ct);
                var owner = domains.OwnerOfAsync(scope.Environment, names[i], ct);
                var rows = domains.FindByNameAsync(scope.Environment, scope.PartnerId, names[i], ct);
                await Task.WhenAll(active, owner, rows);
                found[i] = (await active, await owner, (await rows).FirstOrDefault(r => r.Category == "inventory")?.Id);
            }
        );
        var facts = new OrderDomainFacts(
            new Dictionary<string, string>(StringComparer.Ordinal),
            new Dictionary<string, string>(StringComparer.Ordinal),
            new Dictionary<string, string>(StringComparer.Ordinal)
        );
        for (var i = 0; i < names.Count; i++)
        {
            if (found[i].ActiveOrder is { } order)
            {
                facts.ActiveOrders[names[i]] = order;
            }

            if (found[i].Owner is { } owner)
            {
                facts.Owners[names[i]] = owner;
            }

            if (found[i].InventoryId is { } id)
            {
                facts.Inventory[names[i]] = id;
            }
        }

        return facts;
    }

    /// <summary>
    /// Validates the submitted domains against the plan and assigns providers; <paramref name="facts"/> from
    /// <see cref="ReadAsync"/> when the caller read them already (else they are read here). Availability is asked only
    /// once every other rule passed, since its answers are cached in a table.
    /// </summary>
    public async Task<OrderPlan> PlanAsync(
        ProviderScope scope,
        IReadOnlyList<RequestedDomain> requested,
        int googleLicenses,
        int microsoftLicenses,
        int inboxesPerDomain,
        OrderDomainFacts? facts,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(scope);
        var names = CheckNames(requested, googleLicenses, microsoftLicenses, inboxesPerDomain);
        facts ??= await ReadNamesAsync(scope, names, cancellationToken);
        var busy = names.Where(n => facts.ActiveOrders.ContainsKey(n)).ToList();
        if (busy.Count > 0)
        {
            throw OrderPlacement.ActiveOrderConflict(busy);
        }

        var foreign = names.Where(n => facts.Owners.TryGetValue(n, out var owner) && owner != scope.PartnerId).ToList();
        if (foreign.Count > 0)
        {
            throw OrderPlacement.InUseConflict(foreign);
        }

        // Names in the partner's inventory (imported) are used as they are: their row becomes the order's domain.
        var imported = facts.Inventory;
        var toBuy = names.Where(n => !imported.ContainsKey(n)).ToList();
        var rowsByName =
            toBuy.Count == 0
                ? []
                : (await availability.CheckAsync(scope, toBuy, cancellationToken)).ToDictionary(r => r.Domain, StringComparer.Ordinal);
        var unavailable = toBuy.Where(n => !rowsByName[n].Available).ToList();
        if (unavailable.Count > 0)
        {
            throw new ApiException(
                400,
                ErrorCodes.DomainUnavailable,
                $"Not available for registration: {string.Join(", ", unavailable)}.",
                "domains",
                new Dictionary<string, object?>
                {
                    ["domains"] = unavailable
                        .Select(n => new Dictionary<string, object?> { ["domain"] = n, ["reason"] = rowsByName[n].Reason })
                        .ToList(),
                }
            );
        }

        var microsoftUsable = names.Where(n => UsableFor(n).Contains("microsoft")).ToList();
        if (microsoftUsable.Count < microsoftLicenses)
        {
            throw new ApiException(
                400,
                ErrorCodes.MicrosoftSplitUnsatisfied,
                $"The plan needs {microsoftLicenses} Microsoft domains but only {microsoftUsable.Count} submitted domains can run Microsoft 365.",
                "domains",
                new Dictionary<string, object?>
                {
                    ["required_microsoft_count"] = microsoftLicenses,
                    ["usable_microsoft_count"] = microsoftUsable.Count,
                }
            );
        }

        var forMicrosoft = microsoftUsable.Take(microsoftLicenses).ToHashSet(StringComparer.Ordinal);
        var planned = names
            .Select(
                (name, i) =>
                    new OrderDomain(
                        imported.GetValueOrDefault(name) ?? Ids.New("dom", time),
                        name,
                        forMicrosoft.Contains(name) ? "microsoft" : "google",
                        imported.ContainsKey(name) ? "imported" : "registered",
                        requested[i].ForwardingUrl,
                        Provisioning
                    )
            )
            .ToList();
        var currency = rowsByName.Values.Select(r => r.Currency).FirstOrDefault(c => c is not null) ?? "usd";
        return new OrderPlan(planned, rowsByName.Values.Sum(r => r.PriceCents ?? 0), toBuy.Count, currency);
    }

    /// <summary>The normalised names, valid, distinct and as many as the plan needs (else the 400 saying which rule failed).</summary>
    private static List<string> CheckNames(
        IReadOnlyList<RequestedDomain> requested,
        int googleLicenses,
        int microsoftLicenses,
        int inboxesPerDomain
    )
    {
        var names = new List<string>();
        for (var i = 0; i < requested.Count; i++)
        {
            var name =
                DomainNames.Normalize(requested[i].Domain)
                ?? throw ApiException.Invalid($"domains[{i}]", $"'{requested[i].Domain}' is not a valid domain name.");
            if (names.Contains(name))
            {
                throw ApiException.Invalid($"domains[{i}]", $"'{name}' is listed twice.");
            }

            names.Add(name);
        }

        var googleDomains = (googleLicenses + inboxesPerDomain - 1) / inboxesPerDomain;
        var required = googleDomains + microsoftLicenses;
        if (names.Count != required)
        {
            throw new ApiException(
                400,
                ErrorCodes.DomainCountMismatch,
                $"The plan needs {required} domains; {names.Count} were submitted.",
                "domains",
                new Dictionary<string, object?>
                {
                    ["required_count"] = required,
                    ["submitted_count"] = names.Count,
                    ["missing_count"] = required - names.Count,
                }
            );
        }

        return names;
    }

    /// <summary>Costs per renewal period: licenses at configured prices plus first-year registration of bought names.</summary>
    public OrderCosts Costs(OrderPlan plan, int googleLicenses, int microsoftLicenses)
    {
        var o = options.Value;
        var lines = new List<LineItem>
        {
            new("google_license", googleLicenses, (long)googleLicenses * o.GoogleLicenseCents),
            new("microsoft_license", microsoftLicenses, (long)microsoftLicenses * o.MicrosoftLicenseCents),
            new("domain_registration", plan.RegisteredCount, plan.RegistrationCents),
        };
        return new OrderCosts(lines.Sum(l => l.AmountCents), plan.Currency, lines);
    }

    /// <summary>Providers a domain can run.</summary>
    public IReadOnlyList<string> UsableFor(string domain) => availability.UsableFor(domain);
}
