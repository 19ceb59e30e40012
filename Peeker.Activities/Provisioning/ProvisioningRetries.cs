using Microsoft.DurableTask;
using Peeker.Durable.Retries;

namespace Peeker.Activities.Provisioning;

/// <summary>The named durable retry policies of provisioning (the outer retry layer; Polly is the inner one).</summary>
public static class ProvisioningRetries
{
    /// <summary>Our own tables: a few quick tries.</summary>
    public static TaskOptions Storage { get; } = DurableRetry.Options(5, TimeSpan.FromSeconds(1), 2, TimeSpan.FromSeconds(30));

    /// <summary>Provider calls: six tries over about five minutes; permanent provider errors are not retried.</summary>
    public static TaskOptions Provider { get; } = DurableRetry.Options(6, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(2));

    /// <summary>
    /// Waiting for DNS and verification: polls within <paramref name="timeout"/> (a day by default), backing off to every
    /// 15 minutes, or every sixth of a shorter budget, with enough attempts to reach the end of the budget: the last
    /// check comes at most one interval before it (a 3-minute sandbox budget checks until 150 s, not only until 126 s;
    /// a day's budget is polled for the whole day, not for 60 attempts' 13 hours).
    /// </summary>
    public static TaskOptions Propagation(TimeSpan timeout)
    {
        var first = TimeSpan.FromSeconds(2);
        var budget = Budget(timeout, first, TimeSpan.FromHours(24));
        var max = TimeSpan.FromTicks(Math.Clamp(budget.Ticks / 6, first.Ticks, TimeSpan.FromMinutes(15).Ticks));
        return DurableRetry.Options(AttemptsWithin(budget, first, max), first, 2, max, budget);
    }

    /// <summary>An import waiting for the customer's nameserver switch: polls back off to every 15 minutes, within <paramref name="timeout"/>.</summary>
    public static TaskOptions Nameservers(TimeSpan timeout) =>
        DurableRetry.Options(
            1000,
            TimeSpan.FromSeconds(5),
            2,
            TimeSpan.FromMinutes(15),
            Budget(timeout, TimeSpan.FromSeconds(5), TimeSpan.FromHours(72))
        );

    /// <summary>
    /// The configured budget, the default when none is set, and never less than the first retry interval: the SDK's
    /// <c>RetryPolicy</c> throws for a shorter timeout, which would crash the orchestration instead of failing the step.
    /// </summary>
    private static TimeSpan Budget(TimeSpan configured, TimeSpan firstInterval, TimeSpan fallback) =>
        configured <= TimeSpan.Zero ? fallback
        : configured < firstInterval ? firstInterval
        : configured;

    /// <summary>Attempts that fit in <paramref name="budget"/>: the first at once, then after intervals doubling from <paramref name="first"/> up to <paramref name="max"/>.</summary>
    internal static int AttemptsWithin(TimeSpan budget, TimeSpan first, TimeSpan max)
    {
        var (attempts, elapsed, interval) = (1, TimeSpan.Zero, first);
        while (elapsed + interval <= budget)
        {
            elapsed += interval;
            attempts++;
            interval = TimeSpan.FromTicks(Math.Min(interval.Ticks * 2, max.Ticks));
        }

        return attempts;
    }

    /// <summary>A cancellation waiting for provisioning to stop running: polls back off to every 15 minutes, for up to two days.</summary>
    public static TaskOptions ProvisioningSettled { get; } =
        DurableRetry.Options(250, TimeSpan.FromSeconds(2), 2, TimeSpan.FromMinutes(15), TimeSpan.FromDays(2));

    /// <summary>Smartlead (60 requests/minute): waits long enough for its window to pass.</summary>
    public static TaskOptions Sequencer { get; } = DurableRetry.Options(8, TimeSpan.FromSeconds(10), 2, TimeSpan.FromMinutes(5));
}
