using System.Net;
using System.Text;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class ErrorEnvelopeTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task MalformedJson_Returns400Envelope()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostRawAsync("/partner/v1/bundles", """{"name": "x", """);

        AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/bundles")).Data.EnumerateArray());
    }

    [Fact]
    public async Task NonObjectBody_Returns400Envelope()
    {
        var partner = await fixture.NewPartnerAsync();

        AssertEnvelope(await partner.Test.PostRawAsync("/partner/v1/bundles", "[1,2]"), HttpStatusCode.BadRequest, "invalid_request");
    }

    [Fact]
    public async Task WrongMediaType_Returns415Envelope()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostRawAsync("/partner/v1/bundles", "name=x", "application/x-www-form-urlencoded");

        AssertEnvelope(response, HttpStatusCode.UnsupportedMediaType, "invalid_request");
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/bundles")).Data.EnumerateArray());
    }

    [Fact]
    public async Task OversizedBody_Returns413Envelope()
    {
        var partner = await fixture.NewPartnerAsync();
        var huge = new StringBuilder("{\"name\":\"").Append('x', 300 * 1024).Append("\",\"monthly_sending_volume\":1000}").ToString();

        var response = await partner.Test.PostRawAsync("/partner/v1/bundles", huge);

        AssertEnvelope(response, HttpStatusCode.RequestEntityTooLarge, "invalid_request");
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/bundles")).Data.EnumerateArray());
    }

    [Fact]
    public async Task WrongMethod_Returns405Envelope()
    {
        var partner = await fixture.NewPartnerAsync();

        using var request = new HttpRequestMessage(HttpMethod.Put, "/partner/v1/bundles");
        var response = await partner.Test.SendAsync(request);

        AssertEnvelope(response, HttpStatusCode.MethodNotAllowed, "invalid_request");
    }

    [Fact]
    public async Task UnknownEnumValue_Returns400NamingTheField()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync("/partner/v1/orders?status=shipped");

        AssertEnvelope(response, HttpStatusCode.BadRequest, "invalid_request");
        Assert.Equal("status", response.Error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task UnknownId_Returns404Envelope()
    {
        var partner = await fixture.NewPartnerAsync();

        foreach (var path in new[] { "/partner/v1/bundles/bun_nope", "/partner/v1/users/usr_nope", "/partner/v1/orders/ord_nope" })
        {
            AssertEnvelope(await partner.Test.GetAsync(path), HttpStatusCode.NotFound, "not_found");
        }
    }

    private static void AssertEnvelope(ApiResponse response, HttpStatusCode status, string code)
    {
        Assert.Equal(status, response.Status);
        Assert.Equal(code, response.ErrorCode);
        Assert.False(string.IsNullOrEmpty(response.Error.GetProperty("message").GetString()));
        Assert.True(response.Error.TryGetProperty("field", out _));
        Assert.True(response.Error.TryGetProperty("details", out _));
        Assert.StartsWith("req_", response.RequestId);
    }
}
