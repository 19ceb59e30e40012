using Microsoft.DurableTask;
using Peeker.Activities.Provisioning;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>The durable retry budgets of provisioning.</summary>
public sealed class ProvisioningRetriesTests
{
    private static RetryPolicy Policy(TaskOptions options) => Assert.IsType<RetryPolicy>(options.Retry?.Policy);

    [Fact]
    public void Policies_KeepTheirBudgets()
    {
        var expected = new (TaskOptions Options, int Attempts, TimeSpan First, TimeSpan Max, TimeSpan Timeout)[]
        {
            (ProvisioningRetries.Storage, 5, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(30), Timeout.InfiniteTimeSpan),
            (ProvisioningRetries.Provider, 6, TimeSpan.FromSeconds(5), TimeSpan.FromMinutes(2), Timeout.InfiniteTimeSpan),
            // 2, 4 … 512 s (1,022 s, 10 attempts), then every 900 s: 94 more within a day, 6 more within two hours.
            (
                ProvisioningRetries.Propagation(TimeSpan.Zero),
                104,
                TimeSpan.FromSeconds(2),
                TimeSpan.FromMinutes(15),
                TimeSpan.FromHours(24)
            ),
            (
                ProvisioningRetries.Propagation(TimeSpan.FromHours(2)),
                16,
                TimeSpan.FromSeconds(2),
                TimeSpan.FromMinutes(15),
                TimeSpan.FromHours(2)
            ),
            (
                ProvisioningRetries.Nameservers(TimeSpan.Zero),
                1000,
                TimeSpan.FromSeconds(5),
                TimeSpan.FromMinutes(15),
                TimeSpan.FromHours(72)
            ),
            (ProvisioningRetries.ProvisioningSettled, 250, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(15), TimeSpan.FromDays(2)),
            (ProvisioningRetries.Sequencer, 8, TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(5), Timeout.InfiniteTimeSpan),
        };

        Assert.All(
            expected,
            e =>
            {
                var policy = Policy(e.Options);
                Assert.Equal(
                    (e.Attempts, e.First, 2.0, e.Max, e.Timeout),
                    (
                        policy.MaxNumberOfAttempts,
                        policy.FirstRetryInterval,
                        policy.BackoffCoefficient,
                        policy.MaxRetryInterval,
                        policy.RetryTimeout
                    )
                );
            }
        );
    }

    [Theory]
    [InlineData(180, 10, 30)] // 2, 4, 8, 16, then every 30 s: checks at 0, 2, 6, 14, 30, 60 … 180 s
    [InlineData(60, 8, 10)] // 2, 4, 8, then every 10 s: checks at 0, 2, 6, 14, 24 … 54 s
    public void Propagation_ShortBudget_PollsUntilWithinOneIntervalOfItsEnd(int budgetSeconds, int attempts, int maxSeconds)
    {
        var policy = Policy(ProvisioningRetries.Propagation(TimeSpan.FromSeconds(budgetSeconds)));
        var lastCheck = Enumerable
            .Range(0, policy.MaxNumberOfAttempts - 1)
            .Sum(i => Math.Min(policy.FirstRetryInterval.TotalSeconds * Math.Pow(2, i), policy.MaxRetryInterval.TotalSeconds));

        Assert.Equal((attempts, TimeSpan.FromSeconds(maxSeconds)), (policy.MaxNumberOfAttempts, policy.MaxRetryInterval));
        Assert.InRange(lastCheck, budgetSeconds - maxSeconds, budgetSeconds);
    }

    [Fact]
    public void Propagation_BudgetShorterThanTheFirstRetry_IsRaisedToItInsteadOfThrowing()
    {
        var propagation = Policy(ProvisioningRetries.Propagation(TimeSpan.FromMilliseconds(500)));
        var nameservers = Policy(ProvisioningRetries.Nameservers(TimeSpan.FromSeconds(1)));

        Assert.Equal(TimeSpan.FromSeconds(2), propagation.RetryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), nameservers.RetryTimeout);
    }
}
