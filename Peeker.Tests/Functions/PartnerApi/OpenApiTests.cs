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
        var routes = fixture
            .Factory.Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/partner/v1", StringComparison.Ordinal) == true)
            .SelectMany(e =>
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => $"{m.ToLowerInvariant()} {e.RoutePattern.RawText}")
            )
            .Order()
            .ToList();

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("Peeker Partner API", response.Body.GetProperty("info").GetProperty("title").GetString());
        var documented = response
            .Body.GetProperty("paths")
            .EnumerateObject()
            .SelectMany(p =>
                p.Value.EnumerateObject()
                    .Where(o => o.Name is "get" or "post" or "patch" or "delete" or "put")
                    .Select(o => $"{o.Name} {p.Name}")
            )
            .Order()
            .ToList();
        Assert.Equal(routes, documented);
        Assert.Contains("post /partner/v1/orders", documented);
        Assert.Contains("get /partner/v1/orders/pending", documented);
        Assert.Contains("get /partner/v1/events", documented);
        Assert.Contains("post /partner/v1/events/{id}/redeliver", documented);
        Assert.Contains("post /partner/v1/domains/forwarding", documented);
        Assert.Contains("get /partner/v1/domains/forwarding/{id}", documented);
        Assert.Contains("post /partner/v1/domains/import/jobs", documented);
        Assert.Contains("post /partner/v1/orders/{id}/retry", documented);
        Assert.Contains("post /partner/v1/orders/pending/{id}/resolve", documented);
        Assert.Contains("get /partner/v1/swaps/{id}", documented);
        Assert.Contains("post /partner/v1/swaps", documented);
        Assert.Contains("post /partner/v1/swaps/user_names", documented);
        Assert.Equal(37, documented.Count);
        Assert.Equal(
            "bearer",
            response.Body.GetProperty("components").GetProperty("securitySchemes").GetProperty("bearer").GetProperty("scheme").GetString()
        );
    }

    [Fact]
    public async Task Document_CreateSwap_ListsItsErrorCodesAndErrorResponses()
    {
        var response = await fixture.Client(null).GetAsync("/openapi/partner.json");

        var post = response.Body.GetProperty("paths").GetProperty("/partner/v1/swaps").GetProperty("post");
        var description = post.GetProperty("description").GetString()!;
        foreach (
            var code in new[]
            {
                "invalid_request",
                "domain_unavailable",
                "premium_swap_microsoft_only",
                "forbidden",
                "not_found",
                "domain_not_swappable",
                "domain_swap_in_progress",
                "domain_already_in_active_order",
                "domain_in_use",
                "premium_swap_limit",
            }
        )
        {
            Assert.Contains(code, description, StringComparison.Ordinal);
        }

        Assert.Equal(
            ["201", "400", "403", "404", "409"],
            post.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal)
        );
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
