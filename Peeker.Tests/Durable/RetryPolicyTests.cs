using Peeker.Durable;

namespace Peeker.Tests.Durable;

/// <summary>The delay arithmetic of <see cref="RetryPolicy"/>.</summary>
public sealed class RetryPolicyTests
{
    private static readonly TaskFailureDetails Failure = new("System.InvalidOperationException", "boom", null, null);

    [Theory]
    [InlineData(1, 5)]
    [InlineData(2, 10)]
    [InlineData(5, 80)]
    [InlineData(9, 900)]
    [InlineData(500, 900)]
    [InlineData(999, 900)]
    public void NextDelay_GrowsByTheCoefficientThenStaysAtTheCap_EvenAfterHundredsOfAttempts(int attempt, int seconds)
    {
        var policy = new RetryPolicy(1000, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(15));

        Assert.Equal(TimeSpan.FromSeconds(seconds), policy.NextDelay(attempt, TimeSpan.Zero, Failure));
    }

    [Fact]
    public void NextDelay_PastTheTimeoutOrTheLastAttempt_IsNull()
    {
        var policy = new RetryPolicy(3, TimeSpan.FromSeconds(5), 2, TimeSpan.FromMinutes(15), TimeSpan.FromMinutes(1));

        Assert.Null(policy.NextDelay(3, TimeSpan.Zero, Failure));
        Assert.Null(policy.NextDelay(1, TimeSpan.FromSeconds(58), Failure));
        Assert.Equal(TimeSpan.FromSeconds(5), policy.NextDelay(1, TimeSpan.FromSeconds(10), Failure));
    }
}
