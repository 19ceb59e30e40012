using System.Net;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary><c>POST /domains/forwarding</c> and <c>GET /domains/forwarding/{id}</c> over HTTP (the job itself runs in the engine; see CancellationFlowTests' sibling ForwardingFlowTests).</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class ForwardingApiTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Create_IdsAndNamesMixed_Returns202InProgressJobAndStartsIt()
    {
        var partner = await fixture.NewPartnerAsync();
        var domains = Domains(2);
        var orderId = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("fwd@example.com", 2, 1, 2, domains).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;
        var firstId = (await partner.Test.GetAsync($"/partner/v1/orders/{orderId}"))
            .Data.GetProperty("domain_details")
            .EnumerateArray()
            .Single(d => d.GetProperty("domain").GetString() == domains[0])
            .GetProperty("id")
            .GetString()!;

        var created = await partner.Test.PostAsync(
            "/partner/v1/domains/forwarding",
            new { domains = new[] { firstId, domains[1].ToUpperInvariant(), domains[0] }, forwarding_url = "https://acme.com/inbox" }
        );
        var id = created.Data.GetProperty("id").GetString()!;
        var read = await partner.Test.GetAsync($"/partner/v1/domains/forwarding/{id}");

        Assert.Equal(HttpStatusCode.Accepted, created.Status);
        Assert.StartsWith("fwj_", id, StringComparison.Ordinal);
        Assert.Equal("in_progress", created.Data.GetProperty("status").GetString());
        Assert.Equal(0, created.Data.GetProperty("completed_count").GetInt32());
        Assert.Equal(0, created.Data.GetProperty("failed_count").GetInt32());
        Assert.Equal("https://acme.com/inbox", created.Data.GetProperty("forwarding_url").GetString());
        Assert.Empty(created.Data.GetProperty("completed").EnumerateArray());
        Assert.Empty(created.Data.GetProperty("failed").EnumerateArray());
        Assert.False(created.Data.TryGetProperty("domains", out _));
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Equal(id, read.Data.GetProperty("id").GetString());
        Assert.Contains(fixture.Workflows.ForwardingJobs, j => j.JobId == id && j.PartnerId == partner.Id);
    }

    [Theory]
    [InlineData("""{"forwarding_url":"https://acme.com"}""", "domains")]
    [InlineData("""{"domains":[],"forwarding_url":"https://acme.com"}""", "domains")]
    [InlineData("""{"domains":[7],"forwarding_url":"https://acme.com"}""", "domains[0]")]
    [InlineData("""{"domains":["unknown-domain.com"],"forwarding_url":"https://acme.com"}""", "domains[0]")]
    [InlineData("""{"domains":["unknown-domain.com"]}""", "forwarding_url")]
    public async Task Create_BadInput_Returns400NamingTheFieldAndStartsNothing(string body, string field)
    {
        var partner = await fixture.NewPartnerAsync();
        var before = fixture.Workflows.ForwardingJobs.Count;

        var response = await partner.Test.PostRawAsync("/partner/v1/domains/forwarding", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        Assert.Equal(before, fixture.Workflows.ForwardingJobs.Count);
    }

    [Fact]
    public async Task Create_MoreThan25Domains_Returns400()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/domains/forwarding",
            new { domains = Domains(26), forwarding_url = "https://acme.com" }
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("domains", response.Error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ReadOnlyKey_CannotCreate_OtherPartnerCannotRead()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var domains = Domains(2);
        await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("fwd2@example.com", 2, 1, 2, domains).ToJsonString());
        var read = fixture.Client(await fixture.NewKeyAsync(partner.Id, "read"));
        var limited = fixture.Client(await fixture.NewKeyAsync(partner.Id, "limited"));
        var id = (
            await partner.Test.PostAsync(
                "/partner/v1/domains/forwarding",
                new { domains = new[] { domains[0] }, forwarding_url = "https://acme.com" }
            )
        )
            .Data.GetProperty("id")
            .GetString()!;

        Assert.Equal(
            "forbidden",
            (
                await read.PostAsync(
                    "/partner/v1/domains/forwarding",
                    new { domains = new[] { domains[0] }, forwarding_url = "https://acme.com" }
                )
            ).ErrorCode
        );
        Assert.Equal(
            "forbidden",
            (
                await limited.PostAsync(
                    "/partner/v1/domains/forwarding",
                    new { domains = new[] { domains[0] }, forwarding_url = "https://acme.com" }
                )
            ).ErrorCode
        );
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"/partner/v1/domains/forwarding/{id}")).Status);
        Assert.Equal("not_found", (await other.Test.GetAsync($"/partner/v1/domains/forwarding/{id}")).ErrorCode);
        Assert.Equal("not_found", (await partner.Live.GetAsync($"/partner/v1/domains/forwarding/{id}")).ErrorCode);
        Assert.Equal(
            "invalid_request",
            (
                await other.Test.PostAsync(
                    "/partner/v1/domains/forwarding",
                    new { domains = new[] { domains[0] }, forwarding_url = "https://acme.com" }
                )
            ).ErrorCode
        );
    }
}
