using System.Net;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class AuthTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Me_WithTestKey_ReturnsPartnerAndEnvironment()
    {
        var partner = await fixture.NewPartnerAsync("Acme Agency");

        var response = await partner.Test.GetAsync("/partner/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("test", response.Data.GetProperty("api_key").GetProperty("environment").GetString());
        Assert.Equal("full", response.Data.GetProperty("api_key").GetProperty("permission_preset").GetString());
        Assert.Equal(partner.Id, response.Data.GetProperty("partner").GetProperty("id").GetString());
        Assert.Equal("Acme Agency", response.Data.GetProperty("partner").GetProperty("name").GetString());
        Assert.StartsWith("req_", response.RequestId);
    }

    [Fact]
    public async Task Me_WithLiveKey_ReportsLive()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Live.GetAsync("/partner/v1/me");

        Assert.Equal("live", response.Data.GetProperty("api_key").GetProperty("environment").GetString());
        Assert.StartsWith("pk_live_", partner.LiveKey);
        Assert.StartsWith("pk_test_", partner.TestKey);
    }

    [Fact]
    public async Task Me_OnAliasBasePath_SameHandler()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync("/api/partner/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(partner.Id, response.Data.GetProperty("partner").GetProperty("id").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Basic abc")]
    [InlineData("Bearer sk_live_abc")]
    [InlineData("Bearer pk_test_doesnotexist0000000000000000")]
    public async Task Me_WithoutValidKey_Returns401Unauthorized(string? authorization)
    {
        var client = fixture.Client(null);
        using var request = new HttpRequestMessage(HttpMethod.Get, "/partner/v1/me");
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unauthorized", response.ErrorCode);
        Assert.StartsWith("req_", response.RequestId);
    }

    [Fact]
    public async Task Me_WithRevokedKey_Returns401()
    {
        var partner = await fixture.NewPartnerAsync();
        var created = await fixture
            .Admin()
            .PostAsync(
                $"/admin/v1/partners/{partner.Id}/api_keys",
                new
                {
                    environment = "test",
                    permission_preset = "full",
                    label = "rotating",
                }
            );
        var key = created.Data.GetProperty("key").GetString()!;
        Assert.Equal(HttpStatusCode.OK, (await fixture.Client(key).GetAsync("/partner/v1/me")).Status);

        var revoked = await fixture.Admin().DeleteAsync($"/admin/v1/api_keys/{created.Data.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.OK, revoked.Status);
        Assert.Equal("unauthorized", (await fixture.Client(key).GetAsync("/partner/v1/me")).ErrorCode);
        Assert.Equal(HttpStatusCode.OK, (await partner.Test.GetAsync("/partner/v1/me")).Status);
    }

    [Fact]
    public async Task ReadKey_Write_Returns403ButReadsWork()
    {
        var partner = await fixture.NewPartnerAsync();
        var read = fixture.Client(await fixture.NewKeyAsync(partner.Id, "read"));

        var write = await read.PostAsync("/partner/v1/bundles", new { name = "x", monthly_sending_volume = 1000 });
        var availability = await read.PostAsync("/partner/v1/domains/availability", new { domains = new[] { "acme.com" } });
        var list = await read.GetAsync("/partner/v1/bundles");

        Assert.Equal(HttpStatusCode.Forbidden, write.Status);
        Assert.Equal("forbidden", write.ErrorCode);
        Assert.Equal("forbidden", availability.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, list.Status);
        Assert.Empty(list.Data.EnumerateArray());
    }

    [Fact]
    public async Task LimitedKey_MayCheckAvailabilityButNotWriteResources()
    {
        var partner = await fixture.NewPartnerAsync();
        var limited = fixture.Client(await fixture.NewKeyAsync(partner.Id, "limited"));

        var availability = await limited.PostAsync("/partner/v1/domains/availability", new { domains = new[] { "limited-ok.com" } });
        var bundle = await limited.PostAsync("/partner/v1/bundles", new { name = "x", monthly_sending_volume = 1000 });
        var user = await limited.PostAsync(
            "/partner/v1/users",
            new { email = "a@b.com", sequencer = new { provider = "smartlead", client_id = 1 } }
        );
        var me = await limited.GetAsync("/partner/v1/me");

        Assert.Equal(HttpStatusCode.OK, availability.Status);
        Assert.Equal("forbidden", bundle.ErrorCode);
        Assert.Equal("forbidden", user.ErrorCode);
        Assert.Equal("limited", me.Data.GetProperty("api_key").GetProperty("permission_preset").GetString());
    }

    [Fact]
    public async Task Admin_WithoutAdminKey_Returns401()
    {
        var response = await fixture.Client("not-the-admin-key").PostAsync("/admin/v1/partners", new { name = "x" });
        var partnerKey = await fixture
            .Client((await fixture.NewPartnerAsync()).TestKey)
            .PostAsync("/admin/v1/partners", new { name = "x" });

        Assert.Equal("unauthorized", response.ErrorCode);
        Assert.Equal("unauthorized", partnerKey.ErrorCode);
    }

    [Fact]
    public async Task Admin_KeyForUnknownPartner_Returns404AndBadPresetReturns400()
    {
        var partner = await fixture.NewPartnerAsync();

        var unknown = await fixture
            .Admin()
            .PostAsync("/admin/v1/partners/org_01JDZZZZZZZZZZZZZZZZZZZZZZ/api_keys", new { environment = "test" });
        var badPreset = await fixture
            .Admin()
            .PostAsync($"/admin/v1/partners/{partner.Id}/api_keys", new { environment = "test", permission_preset = "god" });
        var revokeUnknown = await fixture.Admin().DeleteAsync("/admin/v1/api_keys/key_nope");

        Assert.Equal("not_found", unknown.ErrorCode);
        Assert.Equal("invalid_request", badPreset.ErrorCode);
        Assert.Equal("permission_preset", badPreset.Error.GetProperty("field").GetString());
        Assert.Equal("not_found", revokeUnknown.ErrorCode);
    }

    [Fact]
    public async Task UnknownRoute_Returns404EnvelopeWithRequestId()
    {
        var response = await fixture.Client(null).GetAsync("/partner/v1/nothing-here");

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorCode);
        Assert.StartsWith("req_", response.RequestId);
    }

    [Fact]
    public async Task DemoPartner_IsCreatedInDevelopmentWithTheConfiguredKey()
    {
        var response = await fixture.Client(PartnerApiFixture.DemoKey).GetAsync("/partner/v1/me");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Demo Partner", response.Data.GetProperty("partner").GetProperty("name").GetString());
        Assert.Equal("test", response.Data.GetProperty("api_key").GetProperty("environment").GetString());
    }

    [Fact]
    public async Task RateLimit_OverThePerKeyLimit_Returns429WithRetryAfter()
    {
        await using var factory = fixture.CreateFactory(new Dictionary<string, string> { ["Peeker:RateLimitPerMinute"] = "3" });
        var partner = await fixture.NewPartnerAsync();
        var client = fixture.Client(partner.TestKey, factory);
        var live = fixture.Client(partner.LiveKey, factory);

        for (var i = 0; i < 3; i++)
        {
            Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/partner/v1/me")).Status);
        }

        var limited = await client.GetAsync("/partner/v1/me");
        var otherKey = await live.GetAsync("/partner/v1/me");

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.Status);
        Assert.Equal("rate_limited", limited.ErrorCode);
        Assert.InRange(limited.Error.GetProperty("details").GetProperty("retry_after_seconds").GetInt32(), 1, 60);
        Assert.Equal(HttpStatusCode.OK, otherKey.Status);
    }
}
