using System.Diagnostics.Metrics;

namespace Peeker.Durable.Telemetry;

/// <summary>
/// The engine's own instruments (meter <see cref="MeterName"/>): how long each activity runs and how it ends, so a
/// dashboard shows provisioning time per step. DTFx's spans (source <see cref="DtfxActivitySource"/>) carry the same
/// facts per instance; these aggregate them.
/// </summary>
public static class DurableMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Peeker.Durable";

    /// <summary>The <see cref="System.Diagnostics.ActivitySource"/> DTFx (DurableTask.Core) starts its orchestration and activity spans on.</summary>
    public const string DtfxActivitySource = "DurableTask.Core";

    private static readonly Meter Meter = new(MeterName);

    /// <summary><c>peeker.activity.duration</c> (s), tagged <c>activity</c> and <c>outcome</c> (<c>succeeded</c>, <c>failed</c>, <c>non_retriable</c>).</summary>
    public static readonly Histogram<double> ActivityDuration = Meter.CreateHistogram<double>(
        "peeker.activity.duration",
        "s",
        "Time one activity execution took, per activity and outcome."
    );
}
