using System.Net;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class OpenApiTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Document_ListsExactlyThePartnerRoutesTheHostServes()
    {
        var response = await fixture.Client(null).GetAsync("/openapi/partner.json");
        var routes = fixture.Factory.Services.GetRequiredService<EndpointDataSource>().Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/partner/v1", StringComparison.Ordinal) == true)
            .SelectMany(e => e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m.ToLowerInvariant()} {e.RoutePattern.RawText}"))
            .Order().ToList();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Peeker Partner API", response.Body.GetProperty("info").GetProperty("title").GetString());
        var documented = response.Body.GetProperty("paths").EnumerateObject()
            .SelectMany(p => p.Value.EnumerateObject().Where(o => o.Name is "get" or "post" or "patch" or "delete" or "put").Select(o => $"{o.Name} {p.Name}"))
            .Order().ToList();
        Assert.Equal(routes, documented);
        Assert.Contains("post /partner/v1/orders", documented);
        Assert.Contains("get /partner/v1/orders/pending", documented);
        Assert.Contains("get /partner/v1/events", documented);
        Assert.Contains("post /partner/v1/events/{id}/redeliver", documented);
        Assert.Contains("post /partner/v1/domains/forwarding", documented);
        Assert.Contains("get /partner/v1/domains/forwarding/{id}", documented);
        Assert.Contains("post /partner/v1/domains/import/jobs", documented);
        Assert.Contains("post /partner/v1/orders/{id}/retry", documented);
        Assert.Contains("get /partner/v1/swaps/{id}", documented);
        Assert.Contains("post /partner/v1/swaps", documented);
        Assert.Contains("post /partner/v1/swaps/user_names", documented);
        Assert.Equal(36, documented.Count);
        Assert.Equal("bearer", response.Body.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString());
    }

    [Fact]
    public async Task Document_SchemasUseSnakeCaseLikeTheHandlers()
    {
        var response = await fixture.Client(null).GetAsync("/openapi/partner.json");

        var bundle = response.Body.GetProperty("components").GetProperty("schemas").GetProperty("Bundle").GetProperty("properties");
        Assert.True(bundle.TryGetProperty("monthly_sending_volume", out _));
        Assert.True(bundle.TryGetProperty("required_domains", out _));
        Assert.False(bundle.TryGetProperty("monthlySendingVolume", out _));
    }
}
