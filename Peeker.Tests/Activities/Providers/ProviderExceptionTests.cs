using Peeker.Activities.Providers;
using Peeker.Durable.Retries;

namespace Peeker.Tests.Activities.Providers;

/// <summary>Provider failures tell the engine whether a durable retry can help.</summary>
public sealed class ProviderExceptionTests
{
    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void ProviderException_IsRetryClassified_WithItsOwnVerdict(bool retryable)
    {
        Exception error = new ProviderException(ProviderNames.Registrar, "2011", "Domain not available.", retryable);

        Assert.Equal(retryable, Assert.IsAssignableFrom<IRetryClassified>(error).IsRetryable);
    }
}
