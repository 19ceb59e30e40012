using System.Net;
using System.Text.Json;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class BundleTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Create_DefaultSplit_Requires15GoogleAnd4Microsoft()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/bundles",
            new { name = "Starter — 25k emails/month", monthly_sending_volume = 25000 }
        );

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var b = response.Data;
        Assert.StartsWith("bun_", b.GetProperty("id").GetString());
        Assert.Equal(JsonValueKind.Null, b.GetProperty("google_percent").ValueKind);
        Assert.Equal(JsonValueKind.Null, b.GetProperty("microsoft_percent").ValueKind);
        Assert.False(b.GetProperty("send_on_weekends").GetBoolean());
        Assert.Equal(2, b.GetProperty("google_inboxes_per_domain").GetInt32());
        Assert.Equal("active", b.GetProperty("status").GetString());
        Assert.Equal(50, b.GetProperty("effective").GetProperty("google_percent").GetInt32());
        Assert.Equal(50, b.GetProperty("effective").GetProperty("microsoft_percent").GetInt32());
        Assert.Equal(15, b.GetProperty("required_domains").GetProperty("google").GetInt32());
        Assert.Equal(4, b.GetProperty("required_domains").GetProperty("microsoft").GetInt32());
        Assert.Equal(19, b.GetProperty("required_domains").GetProperty("total").GetInt32());
        Assert.Matches(@"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ$", b.GetProperty("created_at").GetString());
    }

    [Fact]
    public async Task Create_70_30Split_Requires80GoogleAnd10Microsoft()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/bundles",
            new
            {
                name = "Scale",
                monthly_sending_volume = 100000,
                google_percent = 70,
                microsoft_percent = 30,
            }
        );

        var required = response.Data.GetProperty("required_domains");
        Assert.Equal(80, required.GetProperty("google").GetInt32());
        Assert.Equal(10, required.GetProperty("microsoft").GetInt32());
        Assert.Equal(90, required.GetProperty("total").GetInt32());
        Assert.Equal(70, response.Data.GetProperty("effective").GetProperty("google_percent").GetInt32());
    }

    [Theory]
    [InlineData("""{"name":"x","monthly_sending_volume":1000,"google_percent":60}""", "microsoft_percent")]
    [InlineData("""{"name":"x","monthly_sending_volume":1000,"google_percent":60,"microsoft_percent":30}""", "google_percent")]
    [InlineData("""{"name":"x","monthly_sending_volume":1000,"google_inboxes_per_domain":4}""", "google_inboxes_per_domain")]
    [InlineData("""{"name":"x","monthly_sending_volume":"lots"}""", "monthly_sending_volume")]
    [InlineData("""{"monthly_sending_volume":1000}""", "name")]
    [InlineData("""{"name":"x","monthly_sending_volume":0}""", "monthly_sending_volume")]
    [InlineData("""{"name":"x","monthly_sending_volume":1000,"send_on_weekends":"yes"}""", "send_on_weekends")]
    public async Task Create_InvalidField_Returns400NamingTheFieldAndStoresNothing(string body, string field)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostRawAsync("/partner/v1/bundles", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/bundles")).Data.EnumerateArray());
    }

    [Fact]
    public async Task List_PagesAcrossPagesAndFiltersByStatus()
    {
        var partner = await fixture.NewPartnerAsync();
        var ids = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            ids.Add(
                (await partner.Test.PostAsync("/partner/v1/bundles", new { name = $"b{i}", monthly_sending_volume = 1000 * (i + 1) }))
                    .Data.GetProperty("id")
                    .GetString()!
            );
        }

        var seen = new List<string>();
        var first = await partner.Test.GetAsync("/partner/v1/bundles?status=active&per_page=2");
        Assert.Equal(2, first.Body.GetProperty("meta").GetProperty("per_page").GetInt32());
        Assert.Equal(2, first.Body.GetProperty("meta").GetProperty("returned").GetInt32());
        Assert.EndsWith("/partner/v1/bundles?status=active&per_page=2", first.Body.GetProperty("links").GetProperty("first").GetString());
        var page = first;
        while (true)
        {
            seen.AddRange(page.Data.EnumerateArray().Select(b => b.GetProperty("id").GetString()!));
            var next = page.Body.GetProperty("links").GetProperty("next");
            if (next.ValueKind == JsonValueKind.Null)
            {
                break;
            }

            Assert.Contains("status=active", next.GetString());
            page = await partner.Test.GetAsync(new Uri(next.GetString()!).PathAndQuery);
        }

        Assert.Equal(ids, seen);
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/bundles?status=archived")).Data.EnumerateArray());
        Assert.Equal("invalid_request", (await partner.Test.GetAsync("/partner/v1/bundles?status=gone")).ErrorCode);
        Assert.Equal("per_page", (await partner.Test.GetAsync("/partner/v1/bundles?per_page=101")).Error.GetProperty("field").GetString());
        Assert.Equal(
            "page_token",
            (await partner.Test.GetAsync("/partner/v1/bundles?page_token=garbage")).Error.GetProperty("field").GetString()
        );
    }

    [Fact]
    public async Task Patch_ChangesFieldsAndRecomputesSizing()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/bundles", new { name = "b", monthly_sending_volume = 25000 }))
            .Data.GetProperty("id")
            .GetString();

        var changed = await partner.Test.PatchAsync(
            $"/partner/v1/bundles/{id}",
            new
            {
                monthly_sending_volume = 100000,
                google_percent = 70,
                microsoft_percent = 30,
            }
        );
        var reset = await partner.Test.PatchAsync(
            $"/partner/v1/bundles/{id}",
            """{"google_percent":null,"microsoft_percent":null,"name":"renamed"}"""
        );
        var bad = await partner.Test.PatchAsync($"/partner/v1/bundles/{id}", new { google_percent = 40 });

        Assert.Equal(90, changed.Data.GetProperty("required_domains").GetProperty("total").GetInt32());
        Assert.Equal(JsonValueKind.Null, reset.Data.GetProperty("google_percent").ValueKind);
        Assert.Equal(50, reset.Data.GetProperty("effective").GetProperty("google_percent").GetInt32());
        Assert.Equal("renamed", reset.Data.GetProperty("name").GetString());
        Assert.Equal("invalid_request", bad.ErrorCode);
        Assert.Equal("renamed", (await partner.Test.GetAsync($"/partner/v1/bundles/{id}")).Data.GetProperty("name").GetString());
    }

    [Fact]
    public async Task Delete_NeverUsed_RemovesIt()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/bundles", new { name = "b", monthly_sending_volume = 25000 }))
            .Data.GetProperty("id")
            .GetString();

        var deleted = await partner.Test.DeleteAsync($"/partner/v1/bundles/{id}");

        Assert.Equal(HttpStatusCode.OK, deleted.Status);
        Assert.Equal("deleted", deleted.Data.GetProperty("status").GetString());
        Assert.Equal("not_found", (await partner.Test.GetAsync($"/partner/v1/bundles/{id}")).ErrorCode);
    }

    [Fact]
    public async Task OtherPartnerAndOtherEnvironment_SeeNothing()
    {
        var owner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var id = (await owner.Test.PostAsync("/partner/v1/bundles", new { name = "b", monthly_sending_volume = 25000 }))
            .Data.GetProperty("id")
            .GetString();

        Assert.Equal("not_found", (await other.Test.GetAsync($"/partner/v1/bundles/{id}")).ErrorCode);
        Assert.Equal("not_found", (await other.Test.PatchAsync($"/partner/v1/bundles/{id}", new { name = "mine" })).ErrorCode);
        Assert.Equal("not_found", (await other.Test.DeleteAsync($"/partner/v1/bundles/{id}")).ErrorCode);
        Assert.Equal("not_found", (await owner.Live.GetAsync($"/partner/v1/bundles/{id}")).ErrorCode);
        Assert.Empty((await other.Test.GetAsync("/partner/v1/bundles")).Data.EnumerateArray());
        Assert.Empty((await owner.Live.GetAsync("/partner/v1/bundles")).Data.EnumerateArray());
        Assert.Equal("b", (await owner.Test.GetAsync($"/partner/v1/bundles/{id}")).Data.GetProperty("name").GetString());
    }
}
