using System.Net;
using System.Text.Json;
using Peeker.Activities.Cloudflare;

namespace Peeker.Tests.Activities.Cloudflare;

/// <summary>Error mapping of recorded Cloudflare v4 envelopes.</summary>
public sealed class CloudflareErrorMappingTests
{
    private static CfEnvelope<JsonElement> Parse(string json) =>
        JsonSerializer.Deserialize<CfEnvelope<JsonElement>>(json, CloudflareJson.Options)!;

    [Fact]
    public void ToException_ZoneExists_CarriesCode1061AndIsNotRetryable()
    {
        var envelope = Parse(
            """{"result":null,"success":false,"errors":[{"code":1061,"message":"example.com already exists"}],"messages":[]}"""
        );

        var error = CloudflareClient.ToException(HttpStatusCode.BadRequest, envelope, null);

        Assert.Equal("1061", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(400, error.StatusCode);
    }

    [Fact]
    public void ToException_RateLimited_IsRetryableWithRetryAfter()
    {
        var envelope = Parse(
            """{"success":false,"errors":[{"code":971,"message":"Please wait and consider throttling your request speed"}],"messages":[],"result":null}"""
        );

        var error = CloudflareClient.ToException(HttpStatusCode.TooManyRequests, envelope, TimeSpan.FromSeconds(300));

        Assert.True(error.IsRetryable);
        Assert.Equal(TimeSpan.FromSeconds(300), error.RetryAfter);
    }

    [Fact]
    public void ToException_AuthenticationError_IsNotRetryable()
    {
        var envelope = Parse(
            """{"success":false,"errors":[{"code":10000,"message":"Authentication error"}],"messages":[],"result":null}"""
        );

        var error = CloudflareClient.ToException(HttpStatusCode.Forbidden, envelope, null);

        Assert.Equal("10000", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public void RecordExists_Covers81057And81058()
    {
        Assert.Contains(81057, CloudflareClient.RecordExists);
        Assert.Contains(81058, CloudflareClient.RecordExists);
    }
}
