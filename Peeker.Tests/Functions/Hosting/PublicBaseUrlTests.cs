using System.Net;
using Peeker.Tests.Functions.PartnerApi;

namespace Peeker.Tests.Functions.Hosting;

/// <summary>
/// Absolute links never come from the request's <c>Host</c> header: a forged host is refused by host filtering, or,
/// where every host is allowed, the links use <c>Peeker:PublicBaseUrl</c>.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class PublicBaseUrlTests(PartnerApiFixture fixture)
{
    private const string Base = "https://api.peeker.test";

    private static readonly Dictionary<string, string> AnyHost = new() { ["AllowedHosts"] = "*", ["Peeker:PublicBaseUrl"] = Base };

    [Fact]
    public async Task PartnerApi_ForgedHostInDevelopment_IsRefusedByHostFiltering()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync("http://evil.example/partner/v1/bundles");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.DoesNotContain("evil.example", response.Raw, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/partner/v1/bundles")]
    [InlineData("/api/partner/v1/users")]
    [InlineData("/partner/v1/events")]
    public async Task ListLinks_ForgedHostWithAnyHostAllowed_UseTheConfiguredBase(string route)
    {
        await using var factory = fixture.CreateFactory(AnyHost);
        var partner = await fixture.NewPartnerAsync();

        var response = await fixture.Client(partner.TestKey, factory).GetAsync("http://evil.example" + route);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith(
            Base + route + "?",
            response.Body.GetProperty("links").GetProperty("first").GetString(),
            StringComparison.Ordinal
        );
        Assert.Equal(Base + route, response.Body.GetProperty("meta").GetProperty("path").GetString());
        Assert.DoesNotContain("evil.example", response.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ManagementStart_ForgedHostWithAnyHostAllowed_StatusUrlsUseTheConfiguredBase()
    {
        await using var factory = fixture.CreateFactory(AnyHost);
        var instanceId = "host-header-" + Guid.NewGuid().ToString("N");

        var response = await fixture
            .Client(PartnerApiFixture.ManagementKey, factory)
            .PostAsync($"http://evil.example/runtime/webhooks/durabletask/orchestrators/DeliverWebhookOrchestrator/{instanceId}", null);

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal(
            $"{Base}/runtime/webhooks/durabletask/instances/{instanceId}",
            response.Body.GetProperty("statusQueryGetUri").GetString()
        );
        Assert.Equal(new Uri($"{Base}/runtime/webhooks/durabletask/instances/{instanceId}"), response.Message.Headers.Location);
        Assert.DoesNotContain("evil.example", response.Raw, StringComparison.Ordinal);
    }
}
