using System.Diagnostics.Metrics;

namespace Peeker.Activities.Common;

/// <summary>
/// Peeker's business instruments (meter <see cref="MeterName"/>): orders by status, webhook delivery attempts,
/// provider errors and rate-limit waits. Counters count what happened, at least once: an activity a dead host re-runs
/// counts its effect again.
/// </summary>
public static class PeekerMetrics
{
    /// <summary>The meter name to subscribe to.</summary>
    public const string MeterName = "Peeker";

    private static readonly Meter Meter = new(MeterName);

    /// <summary><c>peeker.orders</c>: orders reaching a status, tagged <c>status</c> (<c>in_progress</c> when placed, <c>completed</c>, <c>failed</c>, <c>cancelled</c>) and <c>environment</c>.</summary>
    public static readonly Counter<long> Orders = Meter.CreateCounter<long>("peeker.orders", "{order}", "Orders reaching a status.");

    /// <summary><c>peeker.webhook.attempts</c>: delivery attempts, tagged <c>outcome</c> and <c>event_type</c>.</summary>
    public static readonly Counter<long> WebhookAttempts = Meter.CreateCounter<long>(
        "peeker.webhook.attempts",
        "{attempt}",
        "Webhook delivery attempts by outcome."
    );

    /// <summary><c>peeker.provider.errors</c>: provider calls that failed, tagged <c>provider</c>, <c>code</c> and <c>retryable</c>.</summary>
    public static readonly Counter<long> ProviderErrors = Meter.CreateCounter<long>(
        "peeker.provider.errors",
        "{error}",
        "Provider calls that failed."
    );

    /// <summary><c>peeker.provider.rate_limit_wait</c> (s): waits a provider asked for (429/503 with Retry-After), tagged <c>provider</c>.</summary>
    public static readonly Histogram<double> RateLimitWaits = Meter.CreateHistogram<double>(
        "peeker.provider.rate_limit_wait",
        "s",
        "Waits providers asked for with Retry-After."
    );

    /// <summary>Counts an order reaching <paramref name="status"/>.</summary>
    public static void OrderReached(string status, PeekerEnvironment environment) =>
        Orders.Add(
            1,
            new KeyValuePair<string, object?>("status", status),
            new KeyValuePair<string, object?>("environment", environment.ToString().ToLowerInvariant())
        );
}
