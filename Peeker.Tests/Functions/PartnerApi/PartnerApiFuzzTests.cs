using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// Throws malformed input at every Partner API route the host serves (found from its endpoint table, so a new route is
/// fuzzed without editing this file): broken and wrong-shaped JSON bodies, every documented and commonly used field set
/// to each kind of wrong value, hostile path ids and query strings. Nothing may answer 5xx, and every 4xx must be the
/// spec's error envelope.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class PartnerApiFuzzTests(PartnerApiFixture fixture)
{
    private static readonly string[] RawBodies =
    [
        "",
        " ",
        "null",
        "true",
        "0",
        "-1",
        "\"text\"",
        "[]",
        "[{}]",
        "{",
        "}",
        "{\"a\":",
        "{\"a\":1,}",
        "{'a':1}",
        "{\"a\":1}{\"b\":2}",
        "\u0000",
        "{\"\u0000\":1}",
        new string('[', 5000) + new string(']', 5000),
        "{\"a\":" + new string('{', 3000) + new string('}', 3000) + "}",
        "{\"a\":1e999}",
        "{\"a\":\"\\ud800\"}",
    ];

    private static readonly JsonNode?[] Junk =
    [
        null,
        true,
        false,
        0,
        -1,
        1.5,
        long.MaxValue,
        JsonValue.Create(1e308),
        "",
        " ",
        "x",
        new string('x', 5000),
        "../../etc/passwd",
        "a/b#c?d\\e",
        "\u0000\u0001\u007f",
        "ünïcødé.example",
        "xn--",
        "-",
        "9999-99-99",
        "pk_live_x",
        new JsonArray(),
        new JsonArray(1, "a", null),
        new JsonArray(new string('y', 300)),
        new JsonObject(),
        new JsonObject { ["provider"] = 7, ["client_id"] = new JsonArray() },
    ];

    // Fields the handlers read, beyond what the OpenAPI schemas name (some handlers read the body without a typed schema).
    private static readonly string[] KnownFields =
    [
        "name",
        "domains",
        "user",
        "user_id",
        "users",
        "bundle_id",
        "sequencer",
        "personas",
        "forwarding_url",
        "url",
        "monthly_sending_volume",
        "google_percent",
        "microsoft_percent",
        "include_weekends",
        "google_inboxes_per_domain",
        "google_licenses",
        "microsoft_licenses",
        "email",
        "first_name",
        "last_name",
        "status",
        "events",
        "secret",
        "profile_picture_url",
        "client_id",
        "provider",
        "type",
        "domain_id",
        "replacement_domain",
    ];

    private static readonly string[] HostileIds =
    [
        "x",
        "ord_",
        "ord_" + new string('0', 300),
        "a%2Fb",
        "a%23b",
        "a%3Fb",
        "%E2%80%AE",
        "..",
        "%2E%2E",
        "%5C",
        "org_01JDEM0PARTNER000000000000",
        "'%20or%201=1",
    ];

    private static readonly string[] HostileQueries =
    [
        "?per_page=0",
        "?per_page=-1",
        "?per_page=100000000000",
        "?per_page=x",
        "?page_token=%00%01",
        "?page_token=" + new string('A', 4000),
        "?page_token=eyJ4IjoxfQ",
        "?status=%00",
        "?category=x&usable_for=y",
        "?user_id=a/b",
        "?user_email=%40%40",
        "?domains=" + new string(',', 200),
        "?domains=a%2Fb.com,c%23d.com",
        "?type=x",
        "?created_from=notadate",
        "?created_to=9999-99-99",
    ];

    [Fact]
    public async Task EveryBodyRoute_MalformedBodies_NeverAnswers5xx()
    {
        var (factory, client, routes) = await ArrangeAsync();
        await using var _ = factory;
        var failures = new List<string>();
        foreach (var route in routes.Where(r => r.Method is "POST" or "PUT" or "PATCH"))
        {
            var path = route.Path.Replace("{id}", "x_none", StringComparison.Ordinal);
            foreach (var body in RawBodies)
            {
                await CheckAsync(client, route.Method, path, body, failures);
            }

            foreach (var field in route.Fields.Concat(KnownFields).Distinct())
            {
                foreach (var junk in Junk)
                {
                    await CheckAsync(client, route.Method, path, new JsonObject { [field] = junk?.DeepClone() }.ToJsonString(), failures);
                    if (route.Example is { } example)
                    {
                        var mutated = (JsonObject)example.DeepClone();
                        mutated[field] = junk?.DeepClone();
                        await CheckAsync(client, route.Method, path, mutated.ToJsonString(), failures);
                    }
                }
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }

    [Fact]
    public async Task EveryRoute_HostileIdsAndQueries_NeverAnswers5xx()
    {
        var (factory, client, routes) = await ArrangeAsync();
        await using var _ = factory;
        var failures = new List<string>();
        foreach (var route in routes)
        {
            var body = route.Method is "GET" or "DELETE" ? null : "{}";
            foreach (var id in route.Path.Contains("{id}", StringComparison.Ordinal) ? HostileIds : [])
            {
                await CheckAsync(client, route.Method, route.Path.Replace("{id}", id, StringComparison.Ordinal), body, failures);
            }

            foreach (var query in route.Method == "GET" ? HostileQueries : [])
            {
                await CheckAsync(
                    client,
                    route.Method,
                    route.Path.Replace("{id}", "x_none", StringComparison.Ordinal) + query,
                    body,
                    failures
                );
            }
        }

        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
    }

    [Fact]
    public async Task EveryRoute_BrokenJson_IsRejectedWithoutStoringAnything()
    {
        var (factory, client, routes) = await ArrangeAsync();
        await using var _ = factory;
        var admin = fixture.Client(PartnerApiFixture.AdminKey, factory);
        var management = fixture.Client(PartnerApiFixture.ManagementKey, factory);
        var partner = await fixture.NewPartnerAsync("Fuzz Target");
        var operatorRoutes = factory
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e =>
                e.RoutePattern.RawText is { } raw
                && (
                    raw.StartsWith("/admin/v1", StringComparison.Ordinal)
                    || raw.StartsWith("/runtime/webhooks/durabletask", StringComparison.Ordinal)
                )
            )
            .SelectMany(e =>
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Path: e.RoutePattern.RawText!))
            )
            .Where(r => r.Method is "POST" or "PUT" or "PATCH")
            .Distinct()
            .ToList();
        Assert.Contains(operatorRoutes, r => r.Path == "/admin/v1/partners");
        Assert.Contains(operatorRoutes, r => r.Path.StartsWith("/runtime/webhooks/durabletask/orchestrators", StringComparison.Ordinal));
        var broken = new[] { "{", "{\"a\":", "[1,", "\"text", "{'a':1}", "{\"a\":1}{\"b\":2}", new string('[', 5000) };
        var before = await SnapshotAsync();
        var failures = new List<string>();

        foreach (
            var (method, path, caller) in routes
                .Where(r => r.Method is "POST" or "PUT" or "PATCH")
                .Select(r => (r.Method, r.Path, client))
                .Concat(
                    operatorRoutes.Select(r =>
                        (r.Method, r.Path, r.Path.StartsWith("/admin", StringComparison.Ordinal) ? admin : management)
                    )
                )
        )
        {
            var concrete = path.Replace("{id}", partner.Id, StringComparison.Ordinal)
                .Replace("{keyId}", "key_none", StringComparison.Ordinal)
                .Replace("{functionName}", "ProvisionOrderOrchestrator", StringComparison.Ordinal)
                .Replace("{instanceId?}", "fuzz-none", StringComparison.Ordinal)
                .Replace("{instanceId}", "fuzz-none", StringComparison.Ordinal)
                .Replace("{eventName}", "Fuzz", StringComparison.Ordinal);
            foreach (var body in broken)
            {
                using var request = new HttpRequestMessage(new HttpMethod(method), concrete)
                {
                    Content = new StringContent(body, Encoding.UTF8, "application/json"),
                };
                var response = await caller.SendAsync(request);
                if ((int)response.Status is < 400 or >= 500)
                {
                    failures.Add(
                        $"{method} {concrete} {(body.Length > 40 ? body[..40] : body)} → {(int)response.Status} {Truncate(response.Raw)}"
                    );
                }
            }
        }

        var after = await SnapshotAsync();
        Assert.Contains(before, t => t.Key.Contains("Partners", StringComparison.Ordinal) && t.Value > 0);
        Assert.True(failures.Count == 0, string.Join('\n', failures.Take(40)));
        Assert.Equal(before, after);
    }

    /// <summary>Row counts of Peeker's own tables (not the task hub's, not the rate-limit counters, which count every request).</summary>
    private async Task<Dictionary<string, int>> SnapshotAsync()
    {
        var service = new Azure.Data.Tables.TableServiceClient(fixture.ConnectionString);
        var counts = new Dictionary<string, int>(StringComparer.Ordinal);
        await foreach (var table in service.QueryAsync())
        {
            if (
                !table.Name.StartsWith("Peeker", StringComparison.Ordinal)
                || table.Name.StartsWith("PeekerHub", StringComparison.Ordinal)
                || table.Name.Contains("RateLimit", StringComparison.Ordinal)
            )
            {
                continue;
            }

            var count = 0;
            await foreach (var _ in service.GetTableClient(table.Name).QueryAsync<Azure.Data.Tables.TableEntity>(select: ["PartitionKey"]))
            {
                count++;
            }

            counts[table.Name] = count;
        }

        return counts;
    }

    private async Task<(WebApplicationFactory<Program> Factory, ApiClient Client, IReadOnlyList<FuzzRoute> Routes)> ArrangeAsync()
    {
        // A per-key limit high enough that 429s never hide a deeper answer.
        var factory = fixture.CreateFactory(new Dictionary<string, string> { ["Peeker:RateLimitPerMinute"] = "1000000" });
        var partner = await fixture.NewPartnerAsync("Fuzz Agency");
        var client = fixture.Client(partner.TestKey, factory);
        var document = (await client.GetAsync("/openapi/partner.json")).Body;

        var routes = factory
            .Services.GetRequiredService<EndpointDataSource>()
            .Endpoints.OfType<RouteEndpoint>()
            .Where(e => e.RoutePattern.RawText?.StartsWith("/partner/v1", StringComparison.Ordinal) == true)
            .SelectMany(e =>
                e.Metadata.GetMetadata<HttpMethodMetadata>()!.HttpMethods.Select(m => (Method: m, Path: e.RoutePattern.RawText!))
            )
            .Distinct()
            .Select(r => new FuzzRoute(r.Method, r.Path, SchemaFields(document, r.Method, r.Path), Example(r.Method, r.Path)))
            .ToList();
        Assert.True(routes.Count >= 30, $"only {routes.Count} partner routes found");
        return (factory, client, routes);
    }

    private static async Task CheckAsync(ApiClient client, string method, string path, string? body, List<string> failures)
    {
        using var request = new HttpRequestMessage(new HttpMethod(method), path);
        if (body is not null)
        {
            request.Content = new StringContent(body, Encoding.UTF8, "application/json");
        }

        var response = await client.SendAsync(request);
        var shown = body is null ? "" : " " + (body.Length > 120 ? body[..120] + "…" : body);
        if ((int)response.Status >= 500)
        {
            failures.Add($"{method} {path}{shown} → {(int)response.Status} {Truncate(response.Raw)}");
        }
        else if ((int)response.Status >= 400 && !IsEnvelope(response.Raw))
        {
            failures.Add($"{method} {path}{shown} → {(int)response.Status} without the error envelope: {Truncate(response.Raw)}");
        }
    }

    private static bool IsEnvelope(string raw)
    {
        try
        {
            using var doc = JsonDocument.Parse(raw);
            return doc.RootElement.TryGetProperty("error", out var error)
                && error.TryGetProperty("code", out var code)
                && code.ValueKind == JsonValueKind.String
                && error.TryGetProperty("message", out var message)
                && message.ValueKind == JsonValueKind.String;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static string Truncate(string raw) => raw.Length > 200 ? raw[..200] + "…" : raw;

    /// <summary>The top-level property names of the operation's documented request body, if it has one.</summary>
    private static List<string> SchemaFields(JsonElement document, string method, string path)
    {
        if (
            !document.GetProperty("paths").TryGetProperty(path, out var item)
            || !item.TryGetProperty(method.ToLowerInvariant(), out var operation)
            || !operation.TryGetProperty("requestBody", out var requestBody)
            || !requestBody.TryGetProperty("content", out var content)
        )
        {
            return [];
        }

        var fields = new List<string>();
        foreach (var media in content.EnumerateObject())
        {
            if (
                media.Value.TryGetProperty("schema", out var schema)
                && Resolve(document, schema).TryGetProperty("properties", out var properties)
            )
            {
                fields.AddRange(properties.EnumerateObject().Select(p => p.Name));
            }
        }

        return fields;
    }

    private static JsonElement Resolve(JsonElement document, JsonElement schema)
    {
        if (
            schema.TryGetProperty("$ref", out var reference)
            && reference.GetString() is { } target
            && target.StartsWith("#/components/schemas/", StringComparison.Ordinal)
        )
        {
            return document.GetProperty("components").GetProperty("schemas").GetProperty(target["#/components/schemas/".Length..]);
        }

        return schema;
    }

    /// <summary>The docs' example body for the route, when there is one, so mutations also reach the deeper validation.</summary>
    private static JsonObject? Example(string method, string path)
    {
        var file = (method, path) switch
        {
            ("POST", "/partner/v1/orders") => "create-order.json",
            ("POST", "/partner/v1/bundles") => "create-bundle.json",
            ("POST", "/partner/v1/domains/availability") => "check-availability.json",
            _ => null,
        };
        if (
            file is null
            || JsonNode.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", file)))
                is not JsonObject example
        )
        {
            return null;
        }

        // Names of the fuzz's own: a mutation that still makes a valid order must not take the docs' names from the
        // examples test that shares this Azurite.
        if (method == "POST" && path == "/partner/v1/orders" && example["domains"] is JsonArray domains)
        {
            var run = Guid.NewGuid().ToString("N")[..8];
            example["domains"] = new JsonArray([.. domains.Select((_, i) => (JsonNode?)JsonValue.Create($"fuzz{run}-{i}.com"))]);
        }

        return example;
    }

    private sealed record FuzzRoute(string Method, string Path, IReadOnlyList<string> Fields, JsonObject? Example);
}
