using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Functions.PartnerApi;

namespace Peeker.Tests.Functions.Admin;

/// <summary>The admin API's webhook routes on the real host: a partner's endpoint per environment, and any event by id.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class AdminWebhookFunctionsTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Put_LiveHttpsUrl_Returns200WithSecretShownOnce_GetShowsItWithout()
    {
        var partner = await fixture.NewPartnerAsync("Admin Webhook");
        var route = Route(partner.Id);

        var put = await fixture.Admin().PutAsync(route, new { environment = "live", url = "https://93.184.215.14/hooks" });
        var get = await fixture.Admin().GetAsync(route + "?environment=live");
        var test = await fixture.Admin().GetAsync(route + "?environment=test");

        Assert.Equal(HttpStatusCode.OK, put.Status);
        Assert.Equal("https://93.184.215.14/hooks", put.Data.GetProperty("url").GetString());
        Assert.Equal("live", put.Data.GetProperty("environment").GetString());
        var secret = put.Data.GetProperty("secret").GetString()!;
        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.DoesNotContain(secret, get.Raw, StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.NotFound, test.Status);

        // The partner's own view of the same endpoint.
        Assert.Equal(
            "https://93.184.215.14/hooks",
            (await partner.Live.GetAsync("/partner/v1/webhook")).Data.GetProperty("url").GetString()
        );
    }

    [Fact]
    public async Task Rotate_ExistingEndpoint_NewSecretAndOverlapEnd_NoEndpoint404()
    {
        var partner = await fixture.NewPartnerAsync("Admin Rotate");
        var route = Route(partner.Id);
        var missing = await fixture.Admin().PostAsync(route + "/rotate", new { environment = "live" });
        var put = await fixture.Admin().PutAsync(route, new { environment = "live", url = "https://93.184.215.14/hooks" });

        var rotate = await fixture.Admin().PostAsync(route + "/rotate", new { environment = "live" });

        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("not_found", missing.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, rotate.Status);
        Assert.NotEqual(put.Data.GetProperty("secret").GetString(), rotate.Data.GetProperty("secret").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.String, rotate.Data.GetProperty("previous_secret_expires_at").ValueKind);
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
        var partner = await fixture.NewPartnerAsync("Admin Bad Url");

        var response = await fixture.Admin().PutAsync(Route(partner.Id), new { environment, url });
        var get = await fixture.Admin().GetAsync(Route(partner.Id) + "?environment=" + environment);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal("url", response.Body.GetProperty("error").GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, get.Status);
    }

    [Theory]
    [InlineData("""{"environment":"staging","url":"https://93.184.215.14/"}""", "environment")]
    [InlineData("""{"url":"https://93.184.215.14/"}""", "environment")]
    [InlineData("""{"environment":"live"}""", "url")]
    [InlineData("""not json""", null)]
    [InlineData("""[1,2]""", null)]
    public async Task Put_InvalidBody_Returns400Envelope(string json, string? field)
    {
        var partner = await fixture.NewPartnerAsync("Admin Bad Body");

        var response = await fixture
            .Admin()
            .SendAsync(
                new HttpRequestMessage(HttpMethod.Put, Route(partner.Id))
                {
                    Content = new StringContent(json, System.Text.Encoding.UTF8, "application/json"),
                }
            );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        var error = response.Body.GetProperty("error");
        Assert.Equal("invalid_request", error.GetProperty("code").GetString());
        Assert.Equal(
            field,
            error.TryGetProperty("field", out var named) && named.ValueKind == System.Text.Json.JsonValueKind.String
                ? named.GetString()
                : null
        );
    }

    [Theory]
    [InlineData("org_01JTRX00000000000000000007")] // The shape of a partner id, but no such partner.
    [InlineData("usr_123")]
    public async Task AnyWebhookRoute_UnknownPartner_Returns404AndSavesNothing(string partnerId)
    {
        var put = await fixture.Admin().PutAsync(Route(partnerId), new { environment = "live", url = "https://93.184.215.14/hooks" });
        var get = await fixture.Admin().GetAsync(Route(partnerId) + "?environment=live");
        var rotate = await fixture.Admin().PostAsync(Route(partnerId) + "/rotate", new { environment = "live" });

        Assert.Equal(
            [HttpStatusCode.NotFound, HttpStatusCode.NotFound, HttpStatusCode.NotFound],
            new[] { put.Status, get.Status, rotate.Status }
        );
        Assert.Equal("not_found", put.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Null(await fixture.Service<WebhookEndpointStore>().GetAsync(PeekerEnvironment.Live, partnerId, CancellationToken.None));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong")]
    [InlineData(PartnerApiFixture.AdminKey)] // The right key without the Bearer scheme.
    [InlineData("Bearer " + PartnerApiFixture.ManagementKey)]
    [InlineData("Bearer " + PartnerApiFixture.DemoKey)]
    public async Task AnyRoute_MissingOrWrongAdminKey_Returns401Envelope(string? authorization)
    {
        var client = fixture.Client(null);
        if (authorization is not null)
        {
            client.Http.DefaultRequestHeaders.TryAddWithoutValidation("Authorization", authorization);
        }

        var put = await client.PutAsync(
            Route("org_01JTRX00000000000000000007"),
            new { environment = "live", url = "https://93.184.215.14/hooks" }
        );
        var redeliver = await client.PostAsync("/admin/v1/events/evt_01JZZZZZZZZZZZZZZZZZZZZZZZ/redeliver", null);

        Assert.Equal(HttpStatusCode.Unauthorized, put.Status);
        Assert.Equal("unauthorized", put.Body.GetProperty("error").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.Unauthorized, redeliver.Status);
    }

    [Fact]
    public async Task EventById_GetAndRedeliver_FindTheEventWhateverItsPartner()
    {
        var partner = await fixture.NewPartnerAsync("Admin Events");
        var eventId = await fixture
            .Service<IWebhookPublisher>()
            .PublishAsync(
                PeekerEnvironment.Live,
                partner.Id,
                "order.completed",
                new { Id = "ord_admin" },
                "ord_admin",
                null,
                CancellationToken.None
            );

        var get = await fixture.Admin().GetAsync("/admin/v1/events/" + eventId);
        var redeliver = await fixture.Admin().PostAsync("/admin/v1/events/" + eventId + "/redeliver", null);
        var missing = await fixture.Admin().GetAsync("/admin/v1/events/evt_01JZZZZZZZZZZZZZZZZZZZZZZZ");
        var malformed = await fixture.Admin().PostAsync("/admin/v1/events/x'%20or%20''='/redeliver", null);

        Assert.Equal(HttpStatusCode.OK, get.Status);
        Assert.Equal(partner.Id, get.Data.GetProperty("partner_id").GetString());
        Assert.Equal("live", get.Data.GetProperty("environment").GetString());
        Assert.Equal(eventId, get.Data.GetProperty("event").GetProperty("id").GetString());
        Assert.Equal("ord_admin", get.Data.GetProperty("event").GetProperty("payload").GetProperty("data").GetProperty("id").GetString());
        Assert.Equal(HttpStatusCode.Accepted, redeliver.Status);
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal(HttpStatusCode.NotFound, malformed.Status);
    }

    private static string Route(string partnerId) => $"/admin/v1/partners/{partnerId}/webhook";
}
