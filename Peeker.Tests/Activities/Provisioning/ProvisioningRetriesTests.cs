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
            (ProvisioningRetries.Propagation(TimeSpan.Zero), 60, TimeSpan.FromSeconds(2), TimeSpan.FromMinutes(15), TimeSpan.FromHours(24)),
            (
                ProvisioningRetries.Propagation(TimeSpan.FromHours(2)),
                60,
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

    [Fact]
    public void Propagation_BudgetShorterThanTheFirstRetry_IsRaisedToItInsteadOfThrowing()
    {
        var propagation = Policy(ProvisioningRetries.Propagation(TimeSpan.FromMilliseconds(500)));
        var nameservers = Policy(ProvisioningRetries.Nameservers(TimeSpan.FromSeconds(1)));

        Assert.Equal(TimeSpan.FromSeconds(2), propagation.RetryTimeout);
        Assert.Equal(TimeSpan.FromSeconds(5), nameservers.RetryTimeout);
    }
}
