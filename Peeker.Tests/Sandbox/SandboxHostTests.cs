using System.Net;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Peeker.Functions.Hosting;
using Peeker.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Sandbox;

/// <summary>The simulators as the real host mounts them (under /sandbox, Development settings from the sample), on Azurite.</summary>
public sealed class SandboxHostTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly string Secret = DevelopmentSecrets.SampleValues["Providers:Sandbox:Secret"];

    private static readonly string AdminKey = DevelopmentSecrets.SampleValues["Peeker:AdminKey"];

    // Added last, so it wins over local.settings(.sample).json, which the host layers over the builder's settings.
    private WebApplicationFactory<Program> Factory() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.ConfigureAppConfiguration(c =>
                c.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString })
            );
        });

    [Fact]
    public async Task Host_MountsSimulatorsAndInspector_UnderSandbox()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var zone = CreateZone("host-mounted.com", "ptn_host", Secret);
        using var inspect = new HttpRequestMessage(HttpMethod.Get, "/sandbox/_inspect/ptn_host");
        inspect.Headers.Authorization = new("Bearer", AdminKey);

        using var created = await client.SendAsync(zone);
        using var inspected = await client.SendAsync(inspect);

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        Assert.Equal(HttpStatusCode.OK, inspected.StatusCode);
        using var body = JsonDocument.Parse(await inspected.Content.ReadAsStringAsync());
        Assert.Equal("host-mounted.com", body.RootElement.GetProperty("cloudflare.zone")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Cloudflare_NoToken_AnswersEnvelopeWithAuthenticationError()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/cloudflare/client/v4/zones");
        request.Headers.Add(SandboxOptions.SecretHeader, Secret);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(10000, body.RootElement.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Simulator_WithoutSandboxSecret_Returns401()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(CreateZone("no-secret.com", "ptn_nosecret", secret: null));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Simulator_WrongSandboxSecret_Returns403()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.SendAsync(CreateZone("wrong-secret.com", "ptn_wrongsecret", "sbx_secret_not_the_right_one_00"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("sandbox_secret_invalid", body.RootElement.GetProperty("error").GetString());
    }

    [Fact]
    public async Task Inspect_WithoutAdminKey_Returns401()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, "/sandbox/_inspect/ptn_host");
        request.Headers.Add(SandboxOptions.SecretHeader, Secret);
        request.Headers.Authorization = new("Bearer", "sbx_ptn_host");

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Simulator_BodyOverOneMebibyte_Returns413()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/cloudflare/client/v4/zones")
        {
            Content = new ByteArrayContent(new byte[(1024 * 1024) + 1]),
        };
        request.Headers.Authorization = new("Bearer", "sbx_ptn_big");
        request.Headers.Add(SandboxOptions.SecretHeader, Secret);

        using var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
    }

    private static HttpRequestMessage CreateZone(string name, string partner, string? secret)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/sandbox/cloudflare/client/v4/zones")
        {
            Content = new StringContent(
                $$"""{"name":"{{name}}","account":{"id":"{{partner}}"},"type":"full","jump_start":false}""",
                Encoding.UTF8,
                "application/json"
            ),
        };
        request.Headers.Authorization = new("Bearer", "sbx_" + partner);
        if (secret is not null)
        {
            request.Headers.Add(SandboxOptions.SecretHeader, secret);
        }

        return request;
    }
}
