using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Http;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>The partner's webhook and event-log routes through the real partner authentication, on the fixture's host and engine.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class WebhookFunctionsTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task EventLogRoutes_ListFilterPageGetAndRedeliver_ScopedToCaller()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        var partner = await fixture.NewPartnerAsync("Event Log");
        var put = await partner.Test.PutAsync("/partner/v1/webhook", new { url = receiver.Url });
        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.StartsWith("whsec_", put.Data.GetProperty("secret").GetString(), StringComparison.Ordinal);
        var publisher = fixture.Service<IWebhookPublisher>();
        var ids = new List<string>();
        foreach (var type in new[] { "order.in_progress", "domain.connected", "order.completed" })
        {
            // The fixture's clock moves a millisecond per read, so the event ids (ULIDs) are ordered.
            ids.Add(
                await publisher.PublishAsync(
                    PeekerEnvironment.Test,
                    partner.Id,
                    type,
                    new { Id = "ord_1" },
                    "ord_1",
                    null,
                    CancellationToken.None
                )
            );
        }

        foreach (var id in ids)
        {
            await WaitAsync(async () =>
                (await partner.Test.GetAsync("/partner/v1/events/" + id)).Data.GetProperty("delivered").GetBoolean()
            );
        }

        var firstPage = await partner.Test.GetAsync("/partner/v1/events?per_page=2");
        Assert.Equal(ids.Take(2), firstPage.Data.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var next = firstPage.Body.GetProperty("links").GetProperty("next").GetString()!;
        var secondPage = await partner.Test.GetAsync(new Uri(next).PathAndQuery);
        Assert.Equal([ids[2]], secondPage.Data.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        Assert.Equal(JsonValueKind.Null, secondPage.Body.GetProperty("links").GetProperty("next").ValueKind);
        var filtered = await partner.Test.GetAsync("/partner/v1/events?type=domain.connected&delivered=true");
        Assert.Equal([ids[1]], filtered.Data.EnumerateArray().Select(e => e.GetProperty("id").GetString()));
        var single = await partner.Test.GetAsync("/partner/v1/events/" + ids[0]);
        var attempt = Assert.Single(single.Data.GetProperty("attempts").EnumerateArray());
        Assert.Equal(200, attempt.GetProperty("status_code").GetInt32());
        Assert.Equal("ord_1", single.Data.GetProperty("payload").GetProperty("data").GetProperty("id").GetString());

        var redeliver = await partner.Test.PostAsync("/partner/v1/events/" + ids[0] + "/redeliver", null);
        Assert.Equal(HttpStatusCode.Accepted, redeliver.Status);
        await WaitAsync(() => Task.FromResult(receiver.Requests.Count(r => r.Headers["Peeker-Event-Id"] == ids[0]) == 2));

        var other = await fixture.NewPartnerAsync("Someone Else");
        Assert.Equal(HttpStatusCode.NotFound, (await other.Test.GetAsync("/partner/v1/events/" + ids[0])).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await other.Test.PostAsync("/partner/v1/events/" + ids[0] + "/redeliver", null)).Status);
        Assert.Empty((await other.Test.GetAsync("/partner/v1/events")).Data.EnumerateArray());
        Assert.Empty((await partner.Live.GetAsync("/partner/v1/events")).Data.EnumerateArray());
        Assert.Equal(HttpStatusCode.Unauthorized, (await fixture.Client(null).GetAsync("/partner/v1/events")).Status);
    }

    [Theory]
    [InlineData("/partner/v1/events?per_page=500", "per_page")]
    [InlineData("/partner/v1/events?delivered=maybe", "delivered")]
    [InlineData("/partner/v1/events?page_token=not-a-token", "page_token")]
    public async Task ListEvents_BadQuery_Returns400OnTheField(string path, string field)
    {
        var partner = await fixture.NewPartnerAsync("Bad Query");

        var response = await partner.Test.GetAsync(path);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(field, response.Body.GetProperty("error").GetProperty("field").GetString());
    }

    [Fact]
    public async Task Webhook_GetRotate_WithoutEndpoint404_ThenSecretShownOnlyWhenMade()
    {
        var partner = await fixture.NewPartnerAsync("Endpoint");
        Assert.Equal(HttpStatusCode.NotFound, (await partner.Test.GetAsync("/partner/v1/webhook")).Status);
        Assert.Equal(HttpStatusCode.NotFound, (await partner.Test.PostAsync("/partner/v1/webhook/rotate", null)).Status);

        var put = await partner.Test.PutAsync("/partner/v1/webhook", new { url = "http://127.0.0.1:5005/hooks" });
        var get = await partner.Test.GetAsync("/partner/v1/webhook");
        var rotate = await partner.Test.PostAsync("/partner/v1/webhook/rotate", null);

        var secret = put.Data.GetProperty("secret").GetString()!;
        Assert.Equal("test", get.Data.GetProperty("environment").GetString());
        Assert.DoesNotContain(secret, get.Raw, StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Null, get.Data.GetProperty("secret").ValueKind);
        Assert.NotEqual(secret, rotate.Data.GetProperty("secret").GetString());
        Assert.Equal(JsonValueKind.String, rotate.Data.GetProperty("previous_secret_expires_at").ValueKind);
    }

    [Theory]
    [InlineData("""{"url":"http://10.0.0.8/hooks"}""", "url")]
    [InlineData("""{"url":42}""", "url")]
    [InlineData("""{}""", "url")]
    [InlineData("""not json""", null)]
    public async Task PutWebhook_BadBody_Returns400AndSavesNothing(string json, string? field)
    {
        var partner = await fixture.NewPartnerAsync("Bad Endpoint");

        var response = await partner.Test.SendAsync(
            new HttpRequestMessage(HttpMethod.Put, "/partner/v1/webhook")
            {
                Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
            }
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = response.Body.GetProperty("error");
        Assert.Equal(
            field,
            error.TryGetProperty("field", out var named) && named.ValueKind == JsonValueKind.String ? named.GetString() : null
        );
        Assert.Equal(HttpStatusCode.NotFound, (await partner.Test.GetAsync("/partner/v1/webhook")).Status);
    }

    [Fact]
    public async Task PutWebhook_ReadKey_Returns403()
    {
        var partner = await fixture.NewPartnerAsync("Read Only");
        var read = fixture.Client(await fixture.NewKeyAsync(partner.Id, "read"));

        var response = await read.PutAsync("/partner/v1/webhook", new { url = "http://127.0.0.1:5005/hooks" });

        Assert.Equal(HttpStatusCode.Forbidden, response.Status);
    }

    [Fact]
    public async Task EventDetails_EndpointRedirects_LocationIsNotReturned()
    {
        const string secretLocation = "http://169.254.169.254/latest/meta-data/iam/security-credentials/peeker-role";
        await using var receiver = await WebhookReceiver.StartAsync(
            (_, c) =>
            {
                c.Response.StatusCode = 302;
                c.Response.Headers.Location = secretLocation;
                c.Response.Headers["X-Internal-Banner"] = "internal-banner-value";
                return c.Response.WriteAsync("internal-body-value");
            }
        );
        var partner = await fixture.NewPartnerAsync("Redirects");
        await partner.Test.PutAsync("/partner/v1/webhook", new { url = receiver.Url });
        var id = await fixture
            .Service<IWebhookPublisher>()
            .PublishAsync(
                PeekerEnvironment.Test,
                partner.Id,
                "order.in_progress",
                new { Id = "ord_1" },
                "ord_1",
                null,
                CancellationToken.None
            );
        ApiResponse? details = null;
        await WaitAsync(async () =>
        {
            details = await partner.Test.GetAsync("/partner/v1/events/" + id);
            return details.Data.GetProperty("attempts").GetArrayLength() > 0;
        });

        var attempt = details!.Data.GetProperty("attempts")[0];
        Assert.Equal(302, attempt.GetProperty("status_code").GetInt32());
        Assert.DoesNotContain("169.254.169.254", details.Raw, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-banner-value", details.Raw, StringComparison.Ordinal);
        Assert.DoesNotContain("internal-body-value", details.Raw, StringComparison.Ordinal);
    }

    private static async Task WaitAsync(Func<Task<bool>> condition)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (!await condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
