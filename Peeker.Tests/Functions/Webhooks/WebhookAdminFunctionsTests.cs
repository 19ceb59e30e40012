using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Peeker.Functions.Admin;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

public sealed class WebhookAdminFunctionsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_test_key_0123456789abcdef";
    private const string Route = "/admin/v1/partners/org_01JTRX00000000000000000007/webhook";

    [Fact]
    public async Task Put_LiveHttpsUrl_Returns200WithSecretShownOnce()
    {
        await using var app = await StartAsync();
        using var client = Client(app);

        using var response = await client.PutAsJsonAsync(Route, new { environment = "live", url = "https://93.184.215.14/hooks" });
        using var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = body.RootElement.GetProperty("data");
        Assert.Equal("https://93.184.215.14/hooks", data.GetProperty("url").GetString());
        Assert.Equal("live", data.GetProperty("environment").GetString());
        Assert.StartsWith("whsec_", data.GetProperty("secret").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Get_AfterPut_ShowsUrlWithoutSecret()
    {
        await using var app = await StartAsync();
        using var client = Client(app);
        using var put = await client.PutAsJsonAsync(Route, new { environment = "test", url = "http://127.0.0.1:5005/hooks" });
        var secret = (await ReadAsync(put)).RootElement.GetProperty("data").GetProperty("secret").GetString()!;

        using var response = await client.GetAsync(new Uri(Route + "?environment=test", UriKind.Relative));
        var text = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Contains("http://127.0.0.1:5005/hooks", text, StringComparison.Ordinal);
        Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
        using var body = JsonDocument.Parse(text);
        Assert.Equal(JsonValueKind.Null, body.RootElement.GetProperty("data").GetProperty("secret").ValueKind);
    }

    [Fact]
    public async Task Rotate_ExistingEndpoint_ReturnsNewSecretAndOverlapEnd()
    {
        await using var app = await StartAsync();
        using var client = Client(app);
        using var put = await client.PutAsJsonAsync(Route, new { environment = "live", url = "https://93.184.215.14/hooks" });
        var first = (await ReadAsync(put)).RootElement.GetProperty("data").GetProperty("secret").GetString();

        using var response = await client.PostAsJsonAsync(Route + "/rotate", new { environment = "live" });
        using var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var data = body.RootElement.GetProperty("data");
        Assert.NotEqual(first, data.GetProperty("secret").GetString());
        Assert.Equal(JsonValueKind.String, data.GetProperty("previous_secret_expires_at").ValueKind);
    }

    [Fact]
    public async Task Rotate_NoEndpoint_Returns404Envelope()
    {
        await using var app = await StartAsync();
        using var client = Client(app);

        using var response = await client.PostAsJsonAsync(Route + "/rotate", new { environment = "live" });
        using var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("not_found", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Theory]
    [InlineData("live", "http://93.184.215.14/hooks")]
    [InlineData("live", "https://127.0.0.1/hooks")]
    [InlineData("live", "https://169.254.169.254/latest/meta-data")]
    [InlineData("live", "https://10.0.0.8/hooks")]
    [InlineData("test", "http://10.0.0.8/hooks")]
    [InlineData("test", "not-a-url")]
    public async Task Put_DisallowedUrl_Returns400OnUrlAndSavesNothing(string environment, string url)
    {
        await using var app = await StartAsync();
        using var client = Client(app);

        using var response = await client.PutAsJsonAsync(Route, new { environment, url });
        using var body = await ReadAsync(response);
        using var get = await client.GetAsync(new Uri(Route + "?environment=" + environment, UriKind.Relative));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("invalid_request", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("url", body.RootElement.GetProperty("error").GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, get.StatusCode);
    }

    [Theory]
    [InlineData("""{"environment":"staging","url":"https://93.184.215.14/"}""", "environment")]
    [InlineData("""{"url":"https://93.184.215.14/"}""", "environment")]
    [InlineData("""not json""", null)]
    [InlineData("""[1,2]""", null)]
    public async Task Put_InvalidBody_Returns400Envelope(string json, string? field)
    {
        await using var app = await StartAsync();
        using var client = Client(app);

        using var content = new StringContent(json, System.Text.Encoding.UTF8, "application/json");
        using var response = await client.PutAsync(new Uri(Route, UriKind.Relative), content);
        using var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = body.RootElement.GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal(field, error.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData("adm_test_key_0123456789abcdef")]
    public async Task AnyRoute_MissingOrWrongAdminKey_Returns401Envelope(string? authorization)
    {
        await using var app = await StartAsync();
        using var client = app.GetTestClient();
        if (authorization is not null)
        {
            client.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        using var response = await client.PutAsJsonAsync(Route, new { environment = "live", url = "https://93.184.215.14/hooks" });
        using var body = await ReadAsync(response);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("unauthorized", body.RootElement.GetProperty("error").GetProperty("code").GetString());
    }

    [Fact]
    public async Task Put_NotAPartnerId_Returns404()
    {
        await using var app = await StartAsync();
        using var client = Client(app);

        using var response = await client.PutAsJsonAsync("/admin/v1/partners/usr_123/webhook", new { environment = "live", url = "https://93.184.215.14/hooks" });

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
    }

    [Fact]
    public async Task RealHost_AdminWebhookRouteWithoutKey_Returns401()
    {
        await using var factory = new WebApplicationFactory<Program>();
        using var client = factory.CreateClient();

        using var response = await client.GetAsync(new Uri(Route + "?environment=live", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    private async Task<WebApplication> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Peeker:EncryptionKey"] = WebhookTestHost.EncryptionKey,
            ["Peeker:AdminKey"] = AdminKey,
            ["Peeker:Webhooks:TablePrefix"] = WebhookTestHost.NewPrefix(),
        });
        builder.Services.AddPeekerWebhooks(builder.Configuration);
        builder.Services.AddPeekerAdminKeys(builder.Configuration);
        var app = builder.Build();
        app.MapPeekerWebhooks();
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app)
    {
        var client = app.GetTestClient();
        client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        return client;
    }

    private static async Task<JsonDocument> ReadAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync());
}
