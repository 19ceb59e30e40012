using System.Globalization;

namespace Peeker.Benchmarks;

/// <summary>
/// What a soak showed: the minute samples, the idle host's storage requests per second, whether memory and storage
/// traffic stayed flat under load, and the chaos harness's counts (bought twice, events lost or under several ids).
/// </summary>
internal sealed record SoakResult
{
    /// <summary>A slope under this (in % of the first third's mean per 10 minutes) counts as flat.</summary>
    public const double FlatPercentPer10Minutes = 10;

    private static readonly string[] CancelEvents = ["order.cancel_scheduled", "order.cancelled"];

    public required ChaosResult Chaos { get; init; }

    public required List<SoakSample> Samples { get; init; }

    /// <summary>Table, queue and blob requests per second during the idle phase.</summary>
    public required double[] IdleRequestsPerSecond { get; init; }

    public required int Placed { get; init; }

    /// <summary>Load minutes left out of the flatness figures (<see cref="SoakSettings.WarmupMinutes"/>).</summary>
    public int WarmupMinutes { get; init; }

    public required int CancelsAccepted { get; init; }

    public required int Cancelled { get; init; }

    /// <summary>Accepted cancellations without an <c>order.cancel_scheduled</c> or an <c>order.cancelled</c>.</summary>
    public required int CancelEventsLost { get; init; }

    public required int CancelEventsUnderSeveralIds { get; init; }

    /// <summary>Orders not placed, cancellations refused.</summary>
    public required List<string> Problems { get; init; }

    public bool Passed => Chaos.Passed && CancelEventsLost == 0 && CancelEventsUnderSeveralIds == 0 && Problems.Count == 0;

    public static SoakResult From(
        ChaosResult chaos,
        List<SoakSample> samples,
        double[] idle,
        List<PlacedOrder> orders,
        List<string> cancelsAccepted,
        EventLedger ledger,
        List<string> problems
    )
    {
        var deliveries = ledger.Deliveries.ToList();
        var ids = cancelsAccepted
            .SelectMany(order =>
                CancelEvents.Select(type =>
                    deliveries.Where(d => d.Type == type && d.ResourceId == order).Select(d => d.EventId).Distinct().Count()
                )
            )
            .ToList();
        return new SoakResult
        {
            Chaos = chaos,
            Samples = samples,
            IdleRequestsPerSecond = idle,
            Placed = orders.Count,
            CancelsAccepted = cancelsAccepted.Count,
            Cancelled = cancelsAccepted.Count(id => ledger.First("order.cancelled", id) is not null),
            CancelEventsLost = ids.Count(n => n == 0),
            CancelEventsUnderSeveralIds = ids.Count(n => n > 1),
            Problems = problems,
        };
    }

    /// <summary>
    /// Over the load phase's minutes: the first third's mean (the baseline), the rest's mean, and the least-squares
    /// slope over the rest in % of the baseline per 10 minutes; null with fewer than three minutes.
    /// </summary>
    public static (double Baseline, double Later, double SlopePercent)? Flatness(IReadOnlyList<double> values)
    {
        if (values.Count < 3)
        {
            return null;
        }

        var third = values.Count / 3;
        var baseline = values.Take(third).Average();
        var later = values.Skip(third).ToList();
        var meanX = (later.Count - 1) / 2.0;
        var meanY = later.Average();
        var covariance = later.Select((y, x) => (x - meanX) * (y - meanY)).Sum();
        var variance = later.Select((_, x) => (x - meanX) * (x - meanX)).Sum();
        var slope = variance == 0 ? 0 : covariance / variance;
        return (baseline, meanY, baseline == 0 ? 0 : slope * 10 / baseline * 100);
    }

    /// <summary>The summary lines: totals, idle, flatness, then the chaos harness's table rows.</summary>
    public IEnumerable<(string Metric, string Value)> Rows()
    {
        var minutes = Samples.Where(s => s.Phase == SoakPhase.Load && s.Seconds >= 59).ToList();
        // The warm-up is skipped only when enough steady minutes remain to judge.
        var load = minutes.Count - WarmupMinutes >= 6 ? minutes.Skip(WarmupMinutes).ToList() : minutes;
        var judged = load.Count == minutes.Count ? "all load minutes" : $"load minutes {WarmupMinutes + 1}-{minutes.Count}";
        yield return (
            "orders placed / completed / failed",
            $"{Placed} / {Chaos.Completed} / {Chaos.ExpectedFailures.Count + Chaos.Unexpected.Count}"
        );
        yield return ("cancellations accepted / finished (order.cancelled)", $"{CancelsAccepted} / {Cancelled}");
        yield return (
            "idle storage requests/s (table / queue / blob = total)",
            string.Create(
                CultureInfo.InvariantCulture,
                $"{IdleRequestsPerSecond[0]:F2} / {IdleRequestsPerSecond[1]:F2} / {IdleRequestsPerSecond[2]:F2} = {IdleRequestsPerSecond.Sum():F2}"
            )
        );
        List<double> rss = [.. load.Select(s => s.RssMb).OfType<double>()];
        List<double> requests = [.. load.Select(s => s.TotalRequestsPerSecond)];
        yield return Flat($"host RSS (MB), {judged}", rss);
        yield return Flat($"managed heap (MB), {judged}", [.. load.Select(s => s.HeapMb).OfType<double>()]);
        yield return Flat($"storage requests/s, {judged}", requests);
        yield return (
            "verdict (RSS and storage requests/s)",
            new[] { rss, requests }.All(v => Flatness(v) is not { } f || Math.Abs(f.SlopePercent) <= FlatPercentPer10Minutes)
                ? $"flat (each slope within ±{FlatPercentPer10Minutes:F0} % per 10 min)"
                : $"NOT flat (a slope beyond ±{FlatPercentPer10Minutes:F0} % per 10 min)"
        );
        yield return ("cancellation events lost / under several ids", $"{CancelEventsLost} / {CancelEventsUnderSeveralIds}");
        foreach (var row in Chaos.Rows().Where(r => !r.Metric.StartsWith("wall time", StringComparison.Ordinal)))
        {
            yield return row;
        }
    }

    private static (string, string) Flat(string name, List<double> values) =>
        Flatness(values) is { } f
            ? (
                $"{name}: first third → rest, slope of the rest",
                string.Create(
                    CultureInfo.InvariantCulture,
                    $"{f.Baseline:F1} → {f.Later:F1}, {f.SlopePercent:+0.0;-0.0} % per 10 min ({(Math.Abs(f.SlopePercent) <= FlatPercentPer10Minutes ? "flat" : "NOT flat")})"
                )
            )
            : ($"{name}: flatness", "n/a (fewer than 3 load minutes)");
}
