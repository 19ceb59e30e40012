using System.Globalization;
using System.Text.RegularExpressions;
using Peeker.Shared;

namespace Peeker.Benchmarks;

/// <summary>What one chaos run showed: orders finished, time, recovery, and everything done twice or lost.</summary>
internal sealed record ChaosResult
{
    public required int Orders { get; init; }

    public required int Completed { get; init; }

    /// <summary>Orders that failed as planned (an <c>nsfail</c> domain), with their failure step and code.</summary>
    public required List<string> ExpectedFailures { get; init; }

    /// <summary>Orders that failed without a planned reason, or did not finish.</summary>
    public required List<string> Unexpected { get; init; }

    public required double WallSeconds { get; init; }

    public required int Kills { get; init; }

    /// <summary>From the last kill to the last order's end (0 when every order had ended before it).</summary>
    public required double RecoverySeconds { get; init; }

    /// <summary>The longest, over kills, from a kill to the end of the last order that was running at that kill.</summary>
    public required double WorstKillToLastAffectedSeconds { get; init; }

    public required int DomainsBoughtTwice { get; init; }

    public required int InboxesTwice { get; init; }

    public required int InboxesMissing { get; init; }

    public required int SmartleadTwice { get; init; }

    /// <summary>
    /// Calls the simulators refused because a partner went over a provider's documented rate (Smartlead 60/min,
    /// Cloudflare 1,200/5 min), by provider; the <c>ratelimited</c> fault word's planned 429s are not counted. Each host
    /// runs its own simulators, so with several hosts this is per host.
    /// </summary>
    public required IReadOnlyDictionary<string, long> RefusedOverRate { get; init; }

    public required int EventsLost { get; init; }

    public required int EventsUnderSeveralIds { get; init; }

    public required int Deliveries { get; init; }

    public required int DistinctEvents { get; init; }

    public required DequeueTally Dequeues { get; init; }

    public required long[] StorageRequests { get; init; }

    public required IReadOnlyDictionary<StorageFault, long>? Faults { get; init; }

    public required long Unreachable { get; init; }

    public required List<string> LogTail { get; init; }

    public bool Passed =>
        Unexpected.Count == 0
        && DomainsBoughtTwice == 0
        && InboxesTwice == 0
        && SmartleadTwice == 0
        && EventsLost == 0
        && EventsUnderSeveralIds == 0;

    /// <summary>The events an order must have produced by now and that have not arrived.</summary>
    public static IEnumerable<string> MissingEvents(EventLedger ledger, PlacedOrder order) =>
        ExpectedEvents(ledger, order).Where(e => e.Ids.Count == 0).Select(e => e.Key);

    /// <summary>Expected events of the orders that finished (an unfinished order's events are not lost, only not yet sent).</summary>
    private static List<(string Key, HashSet<string> Ids)> FinishedOrdersEvents(EventLedger ledger, IEnumerable<PlacedOrder> orders) =>
        [
            .. orders
                .Where(o => ledger.First("order.completed", o.Id) is not null || ledger.First("order.failed", o.Id) is not null)
                .SelectMany(o => ExpectedEvents(ledger, o)),
        ];

    private static List<(string Key, HashSet<string> Ids)> ExpectedEvents(EventLedger ledger, PlacedOrder order)
    {
        var deliveries = ledger.Deliveries.ToList();
        HashSet<string> Ids(string type, string needle) =>
            [.. deliveries.Where(d => d.Type == type && d.Data.Contains(needle, StringComparison.Ordinal)).Select(d => d.EventId)];
        var failed = Ids("order.failed", order.Id);
        var expected = new List<(string, HashSet<string>)> { ($"{order.Id} order.in_progress", Ids("order.in_progress", order.Id)) };
        if (failed.Count > 0)
        {
            expected.Add(($"{order.Id} order.failed", failed));
            return expected;
        }

        expected.Add(($"{order.Id} order.completed", Ids("order.completed", order.Id)));
        expected.AddRange(order.Domains.Select(d => ($"{d} domain.connected", Ids("domain.connected", $"\"{d}\""))));
        return expected;
    }

    public static ChaosResult From(
        IReadOnlyDictionary<StorageFault, long>? faults,
        List<PlacedOrder> orders,
        EventLedger ledger,
        Dictionary<string, SandboxRows> inspections,
        StorageProxy proxy,
        List<TimeSpan> kills,
        TimeSpan start,
        double wall,
        IEnumerable<string> logTail,
        IReadOnlySet<string>? cancelled = null
    )
    {
        var ends = orders.ToDictionary(o => o.Id, o => (ledger.First("order.completed", o.Id) ?? ledger.First("order.failed", o.Id))?.At);
        var events = FinishedOrdersEvents(ledger, orders);
        int bought = 0,
            inboxesTwice = 0,
            inboxesMissing = 0,
            smartleadTwice = 0;
        var overRate = new SortedDictionary<string, long>(StringComparer.Ordinal);
        var unexpected = new List<string>();
        var expectedFailures = new List<string>();
        foreach (var order in orders)
        {
            var rows = inspections[order.PartnerId];
            var owned = rows.Rows("registrar.domain");
            var purchases = rows.Rows("registrar.purchase");
            bought += order.Domains.Count(d =>
                owned.Count(r => r.Contains($"\"{d}\"", StringComparison.OrdinalIgnoreCase)) > 1
                || purchases.Count(r => r.Contains($"\"{d}\"", StringComparison.OrdinalIgnoreCase)) > 1
            );
            var inboxes = Emails(rows.Rows("google.user").Concat(rows.Rows("microsoft.user")), order.Domains);
            inboxesTwice += inboxes.Count - inboxes.Distinct(StringComparer.OrdinalIgnoreCase).Count();
            var accounts = Emails(rows.Rows("smartlead.account"), order.Domains);
            smartleadTwice += accounts.Count - accounts.Distinct(StringComparer.OrdinalIgnoreCase).Count();
            foreach (var row in rows.Elements("sandbox.rate_limited"))
            {
                var provider = row.GetProperty("provider").GetString()!;
                overRate[provider] = overRate.GetValueOrDefault(provider) + row.GetProperty("refused").GetInt64();
            }

            var failure = ledger.First("order.failed", order.Id);
            if (failure is not null)
            {
                var reason =
                    $"{order.Id}: {Field(failure.Data, "step")} / {Field(failure.Data, "code")} ({Field(failure.Data, "domain")}): {Field(failure.Data, "message")}";
                (order.ExpectsFailure ? expectedFailures : unexpected).Add(reason);
            }
            else if (ledger.First("order.completed", order.Id) is null)
            {
                unexpected.Add($"{order.Id}: not finished");
            }
            else if (cancelled?.Contains(order.Id) != true)
            {
                // A cancelled order's mailboxes are deleted by design; the others must all be there.
                inboxesMissing += Math.Max(
                    0,
                    (2 * order.Google) + (3 * order.Microsoft) - inboxes.Distinct(StringComparer.OrdinalIgnoreCase).Count()
                );
                if (order.ExpectsFailure)
                {
                    unexpected.Add($"{order.Id}: completed despite an nsfail domain");
                }
            }
        }

        var lastEnd = ends.Values.Max(e => e ?? ledger.Now);
        var worst = kills.Select(k =>
            orders
                .Where(o => ends[o.Id] is not { } e || e > k)
                .Select(o => ((ends[o.Id] ?? ledger.Now) - k).TotalSeconds)
                .DefaultIfEmpty(0)
                .Max()
        );
        return new ChaosResult
        {
            Orders = orders.Count,
            Completed = orders.Count(o => ledger.First("order.completed", o.Id) is not null),
            ExpectedFailures = expectedFailures,
            Unexpected = unexpected,
            WallSeconds = wall,
            Kills = kills.Count,
            RecoverySeconds = kills.Count == 0 ? 0 : Math.Max(0, (lastEnd - kills[^1]).TotalSeconds),
            WorstKillToLastAffectedSeconds = worst.DefaultIfEmpty(0).Max(),
            DomainsBoughtTwice = bought,
            InboxesTwice = inboxesTwice,
            InboxesMissing = inboxesMissing,
            SmartleadTwice = smartleadTwice,
            RefusedOverRate = overRate,
            EventsLost = events.Count(e => e.Ids.Count == 0),
            EventsUnderSeveralIds = events.Count(e => e.Ids.Count > 1),
            Deliveries = ledger.Deliveries.Count,
            DistinctEvents = ledger.Deliveries.Select(d => d.EventId).Distinct().Count(),
            Dequeues = proxy.Dequeues,
            StorageRequests = proxy.ByService,
            Faults = faults,
            Unreachable = proxy.Unreachable,
            LogTail = [.. logTail],
        };
    }

    /// <summary>The result as a two-column markdown table.</summary>
    public IEnumerable<(string Metric, string Value)> Rows()
    {
        yield return (
            "orders completed",
            $"{Completed}/{Orders}" + (ExpectedFailures.Count > 0 ? $" (+{ExpectedFailures.Count} nsfail failed as planned)" : "")
        );
        yield return ("unexpected failures / unfinished", Unexpected.Count.ToString(CultureInfo.InvariantCulture));
        yield return ("wall time, first POST → last order finished", $"{WallSeconds:F1} s");
        if (Kills > 0)
        {
            yield return ("hosts killed (SIGKILL)", Kills.ToString(CultureInfo.InvariantCulture));
            yield return ("recovery: last kill → last order finished", $"{RecoverySeconds:F1} s");
            yield return ("worst kill → last order running at it finished", $"{WorstKillToLastAffectedSeconds:F1} s");
        }

        yield return ("domains bought twice", DomainsBoughtTwice.ToString(CultureInfo.InvariantCulture));
        yield return ("inboxes created twice (missing)", $"{InboxesTwice} ({InboxesMissing})");
        yield return ("Smartlead accounts created twice", SmartleadTwice.ToString(CultureInfo.InvariantCulture));
        yield return (
            "calls refused over a provider's rate",
            RefusedOverRate.Count == 0 ? "0" : string.Join(", ", RefusedOverRate.Select(r => $"{r.Key} {r.Value}"))
        );
        yield return ("webhook events lost (of finished orders)", EventsLost.ToString(CultureInfo.InvariantCulture));
        yield return ("events delivered under more than one id", EventsUnderSeveralIds.ToString(CultureInfo.InvariantCulture));
        yield return ("deliveries / distinct event ids", $"{Deliveries} / {DistinctEvents}");
        yield return (
            "activity messages redelivered per 1,000",
            $"{Dequeues.ActivityRedeliveriesPerThousand:F1} ({Dequeues.ActivityRedeliveries} of {Dequeues.Activities})"
        );
        yield return ("control messages redelivered", $"{Dequeues.ControlRedeliveries} of {Dequeues.ControlMessages}");
        yield return ("storage requests (table / queue / blob)", string.Join(" / ", StorageRequests));
        if (Faults is not null)
        {
            yield return (
                "storage faults injected",
                string.Join(", ", Faults.Select(f => $"{f.Key} {f.Value}")) + $"; refused while Azurite was down {Unreachable}"
            );
        }
    }

    private static List<string> Emails(IEnumerable<string> rows, string[] domains) =>
        [
            .. rows.Select(r =>
                    domains
                        .Select(d => Regex.Match(r, $"[A-Za-z0-9._%+-]+@{Regex.Escape(d)}", RegexOptions.IgnoreCase))
                        .FirstOrDefault(m => m.Success)
                        ?.Value
                )
                .OfType<string>(),
        ];

    private static string Field(string data, string name) =>
        Regex.Match(data, $"\"{name}\"\\s*:\\s*\"([^\"]*)\"") is { Success: true } m ? m.Groups[1].Value : "?";
}
