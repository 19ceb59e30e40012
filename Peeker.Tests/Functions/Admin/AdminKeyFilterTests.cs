using System.Net;
using Peeker.Tests.Functions.PartnerApi;

namespace Peeker.Tests.Functions.Admin;

/// <summary>
/// One named test per rejection rule of the operator keys, over HTTP against the real host: partner administration
/// (<c>/admin/v1</c>) takes <c>Peeker:AdminKey</c>, the engine's management API takes <c>Peeker:ManagementKey</c>.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class AdminKeyFilterTests(PartnerApiFixture fixture)
{
    private const string PartnerAdminRoute = "/admin/v1/partners/org_none/api_keys";
    private const string ManagementRoute = "/runtime/webhooks/durabletask/instances/none";

    [Fact]
    public async Task PartnerAdmin_MissingKey_Returns401()
    {
        await AssertRefusedAsync(PartnerAdminRoute, authorization: null);
    }

    [Fact]
    public async Task PartnerAdmin_WrongKeyOfTheSameLength_Returns401()
    {
        await AssertRefusedAsync(PartnerAdminRoute, "Bearer " + new string('x', PartnerApiFixture.AdminKey.Length));
    }

    [Theory]
    [InlineData(-1)] // a prefix of the real key
    [InlineData(1)] // the real key and one more character
    public async Task PartnerAdmin_WrongLengthKey_Returns401(int lengthChange)
    {
        var key = lengthChange < 0 ? PartnerApiFixture.AdminKey[..^1] : PartnerApiFixture.AdminKey + "x";

        await AssertRefusedAsync(PartnerAdminRoute, "Bearer " + key);
    }

    [Fact]
    public async Task PartnerAdmin_ManagementKey_Returns401()
    {
        await AssertRefusedAsync(PartnerAdminRoute, "Bearer " + PartnerApiFixture.ManagementKey);
    }

    [Fact]
    public async Task WebhookAdmin_ManagementKey_Returns401()
    {
        await AssertRefusedAsync("/admin/v1/partners/org_none/webhook?environment=test", "Bearer " + PartnerApiFixture.ManagementKey);
    }

    [Fact]
    public async Task SandboxInspect_ManagementKey_Returns401()
    {
        await AssertRefusedAsync("/sandbox/_inspect/ptn_none", "Bearer " + PartnerApiFixture.ManagementKey);
    }

    [Fact]
    public async Task PartnerAdmin_AdminKey_IsAccepted()
    {
        var response = await fixture.Client(PartnerApiFixture.AdminKey).PostAsync(PartnerAdminRoute, new { environment = "test" });

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task Management_MissingKey_Returns401()
    {
        await AssertRefusedAsync(ManagementRoute, authorization: null);
    }

    [Fact]
    public async Task Management_WrongLengthKey_Returns401()
    {
        await AssertRefusedAsync(ManagementRoute, "Bearer " + PartnerApiFixture.ManagementKey[..^1]);
    }

    [Fact]
    public async Task Management_PartnerAdminKey_Returns401()
    {
        await AssertRefusedAsync(ManagementRoute, "Bearer " + PartnerApiFixture.AdminKey);
    }

    [Fact]
    public async Task Management_ManagementKey_IsAccepted()
    {
        var response = await fixture.Client(PartnerApiFixture.ManagementKey).GetAsync(ManagementRoute);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
    }

    [Fact]
    public async Task Management_NoManagementKeyConfigured_RefusesEveryKey()
    {
        await using var factory = fixture.CreateFactory(new Dictionary<string, string> { ["Peeker:ManagementKey"] = "" });

        var withAdminKey = await fixture.Client(PartnerApiFixture.AdminKey, factory).GetAsync(ManagementRoute);
        var withBearerOnly = await fixture.Client(null, factory).SendAsync(WithAuthorization(ManagementRoute, "Bearer "));

        Assert.Equal(HttpStatusCode.Unauthorized, withAdminKey.Status);
        Assert.Equal(HttpStatusCode.Unauthorized, withBearerOnly.Status);
    }

    private async Task AssertRefusedAsync(string route, string? authorization)
    {
        var response = await fixture.Client(null).SendAsync(WithAuthorization(route, authorization));

        Assert.Equal(HttpStatusCode.Unauthorized, response.Status);
        Assert.Equal("unauthorized", response.ErrorCode);
    }

    private static HttpRequestMessage WithAuthorization(string route, string? authorization)
    {
        var request = new HttpRequestMessage(
            route.StartsWith("/admin/v1/partners/org_none/api_keys", StringComparison.Ordinal) ? HttpMethod.Post : HttpMethod.Get,
            route
        );
        if (authorization is not null)
        {
            request.Headers.TryAddWithoutValidation("Authorization", authorization);
        }

        return request;
    }
}
