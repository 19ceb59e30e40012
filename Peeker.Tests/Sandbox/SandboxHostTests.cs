using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Peeker.Tests.Support;

namespace Peeker.Tests.Sandbox;

/// <summary>The simulators as the real host mounts them (under /sandbox), on Azurite.</summary>
public sealed class SandboxHostTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    // Added last, so it wins over local.settings(.sample).json, which the host layers over the builder's settings.
    private WebApplicationFactory<Program> Factory() => new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        b.ConfigureAppConfiguration(c => c.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = azurite.ConnectionString })));

    [Fact]
    public async Task Host_MountsSimulatorsAndInspector_UnderSandbox()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();
        using var zone = new HttpRequestMessage(HttpMethod.Post, "/sandbox/cloudflare/client/v4/zones")
        {
            Content = new StringContent("""{"name":"host-mounted.com","account":{"id":"ptn_host"},"type":"full","jump_start":false}""", System.Text.Encoding.UTF8, "application/json"),
        };
        zone.Headers.Authorization = new("Bearer", "sbx_ptn_host");

        using var created = await client.SendAsync(zone);
        using var inspect = await client.GetAsync(new Uri("/sandbox/_inspect/ptn_host", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, created.StatusCode);
        using var body = JsonDocument.Parse(await inspect.Content.ReadAsStringAsync());
        Assert.Equal("host-mounted.com", body.RootElement.GetProperty("cloudflare.zone")[0].GetProperty("name").GetString());
    }

    [Fact]
    public async Task Cloudflare_NoToken_AnswersEnvelopeWithAuthenticationError()
    {
        await using var factory = Factory();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri("/sandbox/cloudflare/client/v4/zones", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.False(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(10000, body.RootElement.GetProperty("errors")[0].GetProperty("code").GetInt32());
    }
}
