using System.Net;
using Peeker.Activities.Microsoft;

namespace Peeker.Tests.Activities.Microsoft;

/// <summary>Error mapping of recorded Graph and Partner Center error bodies.</summary>
public sealed class MicrosoftErrorMappingTests
{
    [Fact]
    public void ToException_GraphInvalidUsageLocation_IsNotRetryable()
    {
        const string Body =
            """{"error":{"code":"Request_BadRequest","message":"License assignment cannot be done for user with invalid usage location.","innerError":{"date":"2025-01-01T00:00:00","request-id":"1","client-request-id":"1"}}}""";

        var error = MicrosoftClient.ToException(HttpStatusCode.BadRequest, Body, null);

        Assert.Equal("Request_BadRequest", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public void ToException_GraphThrottled_IsRetryableWithRetryAfter()
    {
        const string Body = """{"error":{"code":"TooManyRequests","message":"Too many requests"}}""";

        var error = MicrosoftClient.ToException(HttpStatusCode.TooManyRequests, Body, TimeSpan.FromSeconds(7));

        Assert.True(error.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(7), error.RetryAfter);
    }

    [Fact]
    public void ToException_PartnerCenterError_UsesItsCode()
    {
        const string Body = """{"code":600,"description":"The domain is already in use.","data":[],"source":"PartnerFD"}""";

        var error = MicrosoftClient.ToException(HttpStatusCode.Conflict, Body, null);

        Assert.Equal("600", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public void IsAlreadyExists_DuplicateUpn_IsRecognised()
    {
        const string Body =
            """{"error":{"code":"Request_BadRequest","message":"Another object with the same value for property userPrincipalName already exists."}}""";

        Assert.True(MicrosoftClient.IsAlreadyExists(MicrosoftClient.ToException(HttpStatusCode.BadRequest, Body, null)));
    }
}
