using System.Net;
using System.Text.Json;
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
            ["201", "400", "401", "403", "404", "409", "429"],
            post.GetProperty("responses").EnumerateObject().Select(r => r.Name).Order(StringComparer.Ordinal)
        );
    }

    [Fact]
    public async Task Document_EveryOperation_DocumentsItsSuccessAndErrorAnswers()
    {
        var response = await fixture.Client(null).GetAsync("/openapi/partner.json");
        var paths = response.Body.GetProperty("paths");
        var problems = new List<string>();

        foreach (var (method, path, hasRouteParameters) in PartnerRoutes())
        {
            var name = $"{method} {path}";
            if (!paths.TryGetProperty(path, out var item) || !item.TryGetProperty(method, out var operation))
            {
                problems.Add($"{name}: not documented");
                continue;
            }

            var responses = operation.GetProperty("responses").EnumerateObject().ToDictionary(r => r.Name, r => r.Value);
            var successes = responses.Where(r => r.Key.StartsWith('2')).ToList();
            if (successes.Count == 0)
            {
                problems.Add($"{name}: no success answer");
            }

            problems.AddRange(successes.Where(r => SchemaRef(r.Value) is null).Select(r => $"{name}: {r.Key} has no schema"));
            var isList = successes.Any(r => SchemaRef(r.Value)?.Contains("ListEnvelope", StringComparison.Ordinal) == true);
            var expected = new List<string> { "401", "429" };
            if (method != "get")
            {
                expected.Add("403");
            }

            if (hasRouteParameters)
            {
                expected.Add("404");
            }

            if (operation.TryGetProperty("requestBody", out _) || isList || QueryFilteredRoutes.Contains(name))
            {
                expected.Add("400");
            }

            problems.AddRange(expected.Where(s => !responses.ContainsKey(s)).Select(s => $"{name}: {s} not documented"));
            problems.AddRange(
                responses
                    .Where(r => r.Key.StartsWith('4') && SchemaRef(r.Value) != "#/components/schemas/ErrorEnvelope")
                    .Select(r => $"{name}: {r.Key} is not the error envelope")
            );
            if (operation.TryGetProperty("parameters", out var parameters))
            {
                problems.AddRange(
                    parameters
                        .EnumerateArray()
                        .Where(p => p.GetProperty("in").GetString() != "path")
                        .Select(p => $"{name}: parameter {p.GetProperty("name").GetString()} in {p.GetProperty("in").GetString()}")
                );
            }
        }

        Assert.Empty(problems);
        var envelope = response
            .Body.GetProperty("components")
            .GetProperty("schemas")
            .GetProperty("ErrorEnvelope")
            .GetProperty("properties");
        Assert.True(envelope.TryGetProperty("error", out _));
    }

    // Routes that read query values besides paging (list routes are recognised by their list envelope).
    private static readonly HashSet<string> QueryFilteredRoutes = ["get /partner/v1/domains/import"];

    private IEnumerable<(string Method, string Path, bool HasRouteParameters)> PartnerRoutes() =>
        fixture
            .Factory.Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/partner/v1", StringComparison.Ordinal) == true)
            .SelectMany(e =>
                e.Metadata.GetMetadata<HttpMethodMetadata>()!
                    .HttpMethods.Select(m => (m.ToLowerInvariant(), e.RoutePattern.RawText!, e.RoutePattern.Parameters.Count > 0))
            );

    private static string? SchemaRef(JsonElement answer) =>
        answer.TryGetProperty("content", out var content)
        && content.TryGetProperty("application/json", out var json)
        && json.TryGetProperty("schema", out var schema)
            ? schema.TryGetProperty("$ref", out var reference)
                ? reference.GetString()
                : schema.ToString()
            : null;

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
