using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Providers;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Hosting;
using Peeker.Functions.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

public sealed class WebhookPartnerFunctionsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "org_01JTRX00000000000000000099";

    [Fact]
    public async Task EventLogRoutes_ListFilterPageGetAndRedeliver_ScopedToCaller()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix());
        // Event ids are ULIDs: ordered by their millisecond, so the test lets a millisecond pass between publishes.
        var clock = new FakeTimeProvider(TimeProvider.System.GetUtcNow());
        await using var app = await StartAsync(host, clock);
        using var client = Client(app, Partner);
        using var put = await client.PutAsJsonAsync("/partner/v1/webhook", new { url = receiver.Url });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var publisher = app.Services.GetRequiredService<IWebhookPublisher>();
        var ids = new List<string>();
        foreach (var type in new[] { "order.in_progress", "domain.connected", "order.completed" })
        {
            ids.Add(await publisher.PublishAsync(PeekerEnvironment.Test, Partner, type, new { Id = "ord_1" }, "ord_1", null, CancellationToken.None));
            clock.Advance(TimeSpan.FromMilliseconds(1));
        }

        foreach (var id in ids)
        {
            await WaitDeliveredAsync(client, id);
        }

        using var firstPage = await GetJsonAsync(client, "/partner/v1/events?per_page=2");
        Assert.Equal(ids.Take(2), firstPage.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var next = firstPage.RootElement.GetProperty("links").GetProperty("next").GetString()!;
        using var secondPage = await GetJsonAsync(client, next);
        Assert.Equal([ids[2]], secondPage.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        using var filtered = await GetJsonAsync(client, "/partner/v1/events?type=domain.connected&delivered=true");
        Assert.Equal([ids[1]], filtered.RootElement.GetProperty("data").EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        using var single = await GetJsonAsync(client, "/partner/v1/events/" + ids[0]);
        var attempt = Assert.Single(single.RootElement.GetProperty("data").GetProperty("attempts").EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("status_code").GetInt32());

        using var redeliver = await client.PostAsync(new Uri("/partner/v1/events/" + ids[0] + "/redeliver", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.StatusCode);
        await WaitAsync(() => receiver.Requests.Count(r => r.Headers["Peeker-Event-Id"] == ids[0]) == 2);

        using var other = Client(app, "org_someone_else");
        using var notFound = await other.GetAsync(new Uri("/partner/v1/events/" + ids[0], UriKind.Relative));
        Assert.Equal(HttpStatusCode.NotFound, notFound.StatusCode);
        using var anonymous = Client(app, null);
        using var unauthorized = await anonymous.GetAsync(new Uri("/partner/v1/events", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Unauthorized, unauthorized.StatusCode);
        using var badPerPage = await client.GetAsync(new Uri("/partner/v1/events?per_page=500", UriKind.Relative));
        Assert.Equal(HttpStatusCode.BadRequest, badPerPage.StatusCode);
    }

    [Fact]
    public async Task EventDetails_EndpointRedirects_LocationIsNotReturned()
    {
        const string secretLocation = "http://169.254.169.254/latest/meta-data/iam/security-credentials/peeker-role";
        await using var receiver = await WebhookReceiver.StartAsync((_, c) =>
        {
            c.Response.StatusCode = 302;
            c.Response.Headers.Location = secretLocation;
            c.Response.Headers["X-Internal-Banner"] = "internal-banner-value";
            return c.Response.WriteAsync("internal-body-value");
        });
        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix(), schedule: [TimeSpan.Zero]);
        await using var app = await StartAsync(host, TimeProvider.System);
        using var client = Client(app, Partner);
        using var put = await client.PutAsJsonAsync("/partner/v1/webhook", new { url = receiver.Url });
        Assert.Equal(HttpStatusCode.OK, put.StatusCode);
        var id = await app.Services.GetRequiredService<IWebhookPublisher>().PublishAsync(
            PeekerEnvironment.Test, Partner, "order.in_progress", new { Id = "ord_1" }, "ord_1", null, CancellationToken.None);
        await host.WaitForDeliveryAsync(id);

        using var response = await client.GetAsync(new Uri("/partner/v1/events/" + id, UriKind.Relative));
        var raw = await response.Content.ReadAsStringAsync();

        var attempt = Assert.Single(JsonDocument.Parse(raw).RootElement.GetProperty("data").GetProperty("attempts").EnumerateArray());
        Assert.Equal(302, attempt.GetProperty("status_code").GetInt32());
        Assert.DoesNotContain("169.254.169.254", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-banner-value", raw, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-body-value", raw, StringComparison.Ordinal);
    }

    /// <summary>The partner routes over <paramref name="host"/>'s tables; deliveries start and run in its engine.</summary>
    private static async Task<WebApplication> StartAsync(WebhookTestHost host, TimeProvider clock)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { EnvironmentName = Environments.Development });
        builder.WebHost.UseTestServer();
        builder.Logging.ClearProviders();
        builder.Configuration.AddConfiguration(host.Configuration);
        builder.Services.AddSingleton(clock);
        builder.Services.AddSingleton(new PublicBaseUrl("http://localhost"));
        builder.Services.AddPeekerWebhooks(builder.Configuration);
        builder.Services.AddSingleton(host.Durable.Client);
        var app = builder.Build();
        app.MapGroup("/partner/v1").MapPartnerWebhookRoutes(http =>
            http.Request.Headers.TryGetValue("X-Test-Partner", out var id) ? new WebhookCaller(PeekerEnvironment.Test, id.ToString()) : null);
        await app.StartAsync();
        return app;
    }

    private static HttpClient Client(WebApplication app, string? partner)
    {
        var client = app.GetTestClient();
        if (partner is not null)
        {
            client.DefaultRequestHeaders.Add("X-Test-Partner", partner);
        }

        return client;
    }

    private static async Task<JsonDocument> GetJsonAsync(HttpClient client, string url)
    {
        using var response = await client.GetAsync(new Uri(url, UriKind.RelativeOrAbsolute));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync());
    }

    private static async Task WaitDeliveredAsync(HttpClient client, string id) => await WaitAsync(async () =>
    {
        using var doc = await GetJsonAsync(client, "/partner/v1/events/" + id);
        return doc.RootElement.GetProperty("data").GetProperty("delivered").GetBoolean();
    });

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()));

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!await condition())
        {
            await Task.Delay(25, timeout.Token);
        }
    }
}
