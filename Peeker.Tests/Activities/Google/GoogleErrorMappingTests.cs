using System.Net;
using Peeker.Activities.Google;

namespace Peeker.Tests.Activities.Google;

/// <summary>Error mapping of recorded Google API error bodies.</summary>
public sealed class GoogleErrorMappingTests
{
    [Fact]
    public void ToException_UserRateLimitExceeded403_IsRetryable()
    {
        const string Body =
            """{"error":{"code":403,"message":"Rate Limit Exceeded","errors":[{"message":"Rate Limit Exceeded","domain":"usageLimits","reason":"userRateLimitExceeded"}]}}""";

        var error = GoogleWorkspaceClient.ToException(HttpStatusCode.Forbidden, Body, null);

        Assert.Equal("userRateLimitExceeded", error.Code);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public void ToException_DomainCannotUseApis403_IsNotRetryable()
    {
        const string Body =
            """{"error":{"code":403,"message":"Domain cannot use apis.","errors":[{"message":"Domain cannot use apis.","domain":"global","reason":"domainCannotUseApis"}]}}""";

        var error = GoogleWorkspaceClient.ToException(HttpStatusCode.Forbidden, Body, null);

        Assert.Equal("domainCannotUseApis", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public void ToException_Backend503WithoutBody_IsRetryable()
    {
        var error = GoogleWorkspaceClient.ToException(HttpStatusCode.ServiceUnavailable, "", TimeSpan.FromSeconds(2));

        Assert.Equal("http_503", error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(2), error.RetryAfter);
    }
}
