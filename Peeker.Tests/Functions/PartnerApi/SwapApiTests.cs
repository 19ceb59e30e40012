using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;
using Peeker.Activities.Swaps;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary><c>GET /swaps</c> and <c>GET /swaps/{id}</c> over HTTP, on rows stored through the shared <see cref="SwapStore"/>.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class SwapApiTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Get_StoredRow_ReturnsTheSwapView()
    {
        var partner = await fixture.NewPartnerAsync();
        var row = await SeedAsync(partner.Id, "ord_get");

        var response = await partner.Test.GetAsync($"/partner/v1/swaps/{row.Id}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(row.Id, response.Data.GetProperty("id").GetString());
        Assert.Equal("standard", response.Data.GetProperty("type").GetString());
        Assert.Equal(row.DomainId, response.Data.GetProperty("domain_id").GetString());
        Assert.Equal("acme-fresh.com", response.Data.GetProperty("replacement_domain").GetString());
        Assert.Equal("created", response.Data.GetProperty("status").GetString());
        Assert.Equal("ord_get", response.Data.GetProperty("order_id").GetString());
        Assert.Equal(PeekerJson.Format(row.CreatedAt), response.Data.GetProperty("created_at").GetString());
        Assert.False(response.Data.TryGetProperty("personas", out _));
    }

    [Fact]
    public async Task Get_UnknownOtherPartnerOrOtherEnvironment_Returns404()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var row = await SeedAsync(partner.Id, "ord_404");

        Assert.Equal("not_found", (await other.Test.GetAsync($"/partner/v1/swaps/{row.Id}")).ErrorCode);
        Assert.Equal("not_found", (await partner.Live.GetAsync($"/partner/v1/swaps/{row.Id}")).ErrorCode);
        Assert.Equal("not_found", (await partner.Test.GetAsync("/partner/v1/swaps/swp_nope")).ErrorCode);
    }

    [Fact]
    public async Task List_FiltersAndPages_EchoingFiltersInLinks()
    {
        var partner = await fixture.NewPartnerAsync();
        var a1 = await SeedAsync(partner.Id, "ord_a");
        await SeedAsync(partner.Id, "ord_b");
        var a2 = await SeedAsync(partner.Id, "ord_a");

        var first = await partner.Test.GetAsync("/partner/v1/swaps?order_id=ord_a&per_page=1");
        var next = first.Body.GetProperty("links").GetProperty("next").GetString()!;
        var second = await partner.Test.GetAsync(new Uri(next).PathAndQuery);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal([a1.Id], first.Data.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Contains("order_id=ord_a", next, StringComparison.Ordinal);
        Assert.Equal([a2.Id], second.Data.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal(System.Text.Json.JsonValueKind.Null, second.Body.GetProperty("links").GetProperty("next").ValueKind);
    }

    [Fact]
    public async Task List_ByStatusDomainAndUser_ReturnsOnlyMatchingRows()
    {
        var partner = await fixture.NewPartnerAsync();
        var store = fixture.Service<SwapStore>();
        var done = await SeedAsync(partner.Id, "ord_s");
        var open = await SeedAsync(partner.Id, "ord_s");
        await store.SetStatusAsync(PeekerEnvironment.Test, partner.Id, done.Id, SwapStatus.Completed, null, default);

        var completed = await partner.Test.GetAsync("/partner/v1/swaps?status=completed");
        var byDomain = await partner.Test.GetAsync($"/partner/v1/swaps?domain_id={open.DomainId}");
        var byUser = await partner.Test.GetAsync("/partner/v1/swaps?user_id=usr_nobody");

        Assert.Equal([done.Id], completed.Data.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Equal([open.Id], byDomain.Data.EnumerateArray().Select(r => r.GetProperty("id").GetString()));
        Assert.Empty(byUser.Data.EnumerateArray());
    }

    [Theory]
    [InlineData("status=done", "status")]
    [InlineData("per_page=0", "per_page")]
    [InlineData("page_token=garbage", "page_token")]
    public async Task List_BadQuery_Returns400NamingTheField(string query, string field)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync($"/partner/v1/swaps?{query}");

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task ListAndGet_ReadKey_Allowed()
    {
        var partner = await fixture.NewPartnerAsync();
        var row = await SeedAsync(partner.Id, "ord_read");
        var read = fixture.Client(await fixture.NewKeyAsync(partner.Id, "read"));

        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync("/partner/v1/swaps")).Status);
        Assert.Equal(HttpStatusCode.OK, (await read.GetAsync($"/partner/v1/swaps/{row.Id}")).Status);
    }

    private async Task<Swap> SeedAsync(string partnerId, string orderId)
    {
        var now = fixture.Time.GetUtcNow();
        fixture.Time.Advance(TimeSpan.FromMilliseconds(5));
        var row = new Swap(Ids.New("swp", now), partnerId, SwapType.Standard, Ids.New("dom", now), "acme-mail.com", "acme-fresh.com", orderId, "usr_1",
            SwapStatus.Created, null, now, now, null);
        await fixture.Service<SwapStore>().CreateAsync(PeekerEnvironment.Test, row, default);
        return row;
    }
}
