using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Functions.Hosting;
using Peeker.Functions.PartnerApi;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Hosting;

/// <summary>The real host outside Development: no sample settings, no development secrets, no demo key, no simulators.</summary>
public sealed class ProductionHostTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_prod_test_0123456789abcdef0123";

    private static readonly string SampleDemoKey = DevelopmentSecrets.SampleValues["Peeker:DemoApiKey"];

    [Fact]
    public async Task Start_SampleAdminKey_RefusesToStartNamingTheKey()
    {
        await using var factory = Host("Production", new() { ["Peeker:AdminKey"] = DevelopmentSecrets.SampleValues["Peeker:AdminKey"] });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Peeker:AdminKey", error.ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(DevelopmentSecrets.SampleValues["Peeker:AdminKey"], error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Peeker:EncryptionKey")]
    [InlineData("Peeker:ManagementKey")]
    [InlineData("Provisioning:InboxPasswordKeys:dev1")]
    [InlineData("Peeker:DemoApiKey")]
    [InlineData("Providers:Sandbox:Secret")]
    public async Task Start_AnySampleSecret_RefusesToStartNamingTheKey(string key)
    {
        await using var factory = Host("Production", new() { [key] = DevelopmentSecrets.SampleValues[key] });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains(key, error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("not a url")]
    [InlineData("https://api.example.com/partner/v1")]
    public async Task Start_MissingOrInvalidPublicBaseUrl_RefusesToStartNamingTheKey(string? value)
    {
        await using var factory = Host("Production", new() { ["Peeker:PublicBaseUrl"] = value });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Peeker:PublicBaseUrl", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task HostFiltering_ProductionWithoutAllowedHosts_RefusesOtherHosts()
    {
        await using var factory = Host("Production");
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("http://evil.example/partner/v1/me"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    [Fact]
    public async Task Start_SampleInboxPasswordKeyUnderAnotherKeyId_RefusesToStartNamingTheKey()
    {
        await using var factory = Host(
            "Production",
            new() { ["Provisioning:InboxPasswordKeys:old7"] = DevelopmentSecrets.SampleValues["Provisioning:InboxPasswordKeys:dev1"] }
        );

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Provisioning:InboxPasswordKeys:old7", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_CurrentInboxPasswordKeyIdNotConfigured_RefusesToStartNamingTheKey()
    {
        await using var factory = Host("Production", new() { ["Provisioning:InboxPasswordKeyId"] = "missing" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Provisioning:InboxPasswordKeyId", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Start_Production_DoesNotReadTheSampleSettings()
    {
        await using var factory = Host("Production");
        using var client = factory.CreateClient();

        var configuration = factory.Services.GetRequiredService<IConfiguration>();

        Assert.Null(configuration["Peeker:DemoApiKey"]);
        Assert.Null(configuration["Providers:Sandbox:Secret"]);
        Assert.Equal(AdminKey, configuration["Peeker:AdminKey"]);
    }

    [Fact]
    public void AddFunctionsConfiguration_OutsideDevelopment_IgnoresTheSample()
    {
        var dir = Directory.CreateTempSubdirectory("peeker-config-");
        File.WriteAllText(Path.Combine(dir.FullName, "host.json"), "{}");
        File.WriteAllText(Path.Combine(dir.FullName, "local.settings.sample.json"), """{"Values":{"Peeker__AdminKey":"sample"}}""");
        try
        {
            var production = new ConfigurationBuilder().AddFunctionsConfiguration(dir.FullName, isDevelopment: false).Build();
            var development = new ConfigurationBuilder().AddFunctionsConfiguration(dir.FullName, isDevelopment: true).Build();

            Assert.Null(production["Peeker:AdminKey"]);
            Assert.Equal("sample", development["Peeker:AdminKey"]);
        }
        finally
        {
            dir.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task Sandbox_Production_IsNotMapped()
    {
        await using var factory = Host("Production");
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/cloudflare/client/v4/zones");
        request.Headers.Authorization = new("Bearer", "sbx_ptn_prod");

        using var simulator = await client.SendAsync(request);
        using var inspect = await client.GetAsync(new Uri("/sandbox/_inspect/ptn_prod", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NotFound, simulator.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, inspect.StatusCode);
    }

    [Fact]
    public async Task Sandbox_EnabledOutsideDevelopmentWithoutSecret_RefusesToStartNamingTheKey()
    {
        await using var factory = Host("Production", new() { ["Providers:Sandbox:Enabled"] = "true" });

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Providers:Sandbox:Secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DemoKey_SeededByADevelopmentRun_IsRefusedInProduction()
    {
        await SeedDemoPartnerInDevelopmentAsync();
        await using var factory = Host("Production");
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(Me(SampleDemoKey));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task DemoPartnerKey_AnyKeyOfTheDemoPartner_IsRefusedInProduction()
    {
        await SeedDemoPartnerInDevelopmentAsync();
        await using var factory = Host("Production");
        using var client = factory.CreateClient();
        using var create = new HttpRequestMessage(HttpMethod.Post, $"/admin/v1/partners/{PartnerApiStartup.DemoPartnerId}/api_keys")
        {
            Content = JsonContent.Create(new { environment = "test" }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await client.SendAsync(create);
        var body = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, body);
        var key = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("key").GetString()!;

        using var response = await client.SendAsync(Me(key));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5005/hooks/peeker")]
    [InlineData("https://localhost:5005/hooks/peeker")]
    public async Task WebhookEndpoint_SandboxLoopbackOutsideDevelopment_Returns400NamingUrl(string url)
    {
        await using var factory = Host("Production");
        using var client = factory.CreateClient();
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/partners")
        {
            Content = JsonContent.Create(new { name = "Loopback Agency" }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var created = await client.SendAsync(create);
        var testKey = JsonDocument
            .Parse(await created.Content.ReadAsStringAsync())
            .RootElement.GetProperty("data")
            .GetProperty("api_keys")
            .GetProperty("test")
            .GetString();
        using var put = new HttpRequestMessage(HttpMethod.Put, "/partner/v1/webhook") { Content = JsonContent.Create(new { url }) };
        put.Headers.Authorization = new AuthenticationHeaderValue("Bearer", testKey);

        using var response = await client.SendAsync(put);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal("url", error.GetProperty("field").GetString());
    }

    [Fact]
    public void SampleValues_MatchLocalSettingsSample()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var secrets = sample
            .RootElement.GetProperty("Values")
            .EnumerateObject()
            .Where(p =>
                p.Value.ValueKind == JsonValueKind.String
                && p.Value.GetString() is { Length: > 0 }
                && (
                    p.Name.EndsWith("Key", StringComparison.Ordinal)
                    || p.Name.EndsWith("Secret", StringComparison.Ordinal)
                    || p.Name.EndsWith("Token", StringComparison.Ordinal)
                    || p.Name.Contains("Keys__", StringComparison.Ordinal)
                )
            )
            .ToDictionary(p => p.Name.Replace("__", ":", StringComparison.Ordinal), p => p.Value.GetString()!);

        Assert.Equal(
            secrets.OrderBy(p => p.Key, StringComparer.Ordinal),
            DevelopmentSecrets.SampleValues.OrderBy(p => p.Key, StringComparer.Ordinal)
        );
    }

    private static HttpRequestMessage Me(string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Get, "/partner/v1/me");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return request;
    }

    /// <summary>A Development host on the same storage seeds the demo partner with the sample's demo key.</summary>
    private async Task SeedDemoPartnerInDevelopmentAsync()
    {
        await using var development = Host("Development", new() { ["Peeker:DemoApiKey"] = SampleDemoKey });
        using var client = development.CreateClient();
        using var response = await client.SendAsync(Me(SampleDemoKey));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>The real host in <paramref name="environment"/> on this Azurite, with its own non-sample secrets.</summary>
    private WebApplicationFactory<Program> Host(string environment, Dictionary<string, string?>? settings = null) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment(environment);
            var all = new Dictionary<string, string?>
            {
                ["AzureWebJobsStorage"] = azurite.ConnectionString,
                ["Peeker:AdminKey"] = AdminKey,
                ["Peeker:PublicBaseUrl"] = "http://localhost",
                ["Peeker:EncryptionKey"] = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()),
                ["Provisioning:InboxPasswordKeyId"] = "prod1",
                ["Provisioning:InboxPasswordKeys:prod1"] = Convert.ToBase64String(Enumerable.Range(101, 32).Select(i => (byte)i).ToArray()),
            };
            foreach (var (key, value) in settings ?? [])
            {
                all[key] = value;
            }

            b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(all));
        });
}
