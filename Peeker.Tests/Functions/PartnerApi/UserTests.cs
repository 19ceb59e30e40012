using System.Net;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class UserTests(PartnerApiFixture fixture)
{
    private static object NewUser(string email) =>
        new
        {
            email,
            first_name = "Alex",
            last_name = "Rivera",
            sequencer = new { provider = "smartlead", client_id = 366903 },
        };

    [Fact]
    public async Task Create_Returns201WithRouting()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync("/partner/v1/users", NewUser("Alex@Acme.com"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.StartsWith("usr_", response.Data.GetProperty("id").GetString());
        Assert.Equal("alex@acme.com", response.Data.GetProperty("email").GetString());
        Assert.Equal("active", response.Data.GetProperty("status").GetString());
        Assert.Equal("smartlead", response.Data.GetProperty("sequencer").GetProperty("provider").GetString());
        Assert.Equal(366903, response.Data.GetProperty("sequencer").GetProperty("client_id").GetInt64());
    }

    [Fact]
    public async Task Create_DuplicateEmail_Returns409()
    {
        var partner = await fixture.NewPartnerAsync();
        await partner.Test.PostAsync("/partner/v1/users", NewUser("dup@acme.com"));

        var again = await partner.Test.PostAsync("/partner/v1/users", NewUser("dup@acme.com"));

        Assert.Equal(HttpStatusCode.Conflict, again.Status);
        Assert.Equal("invalid_request", again.ErrorCode);
        Assert.Equal("email", again.Error.GetProperty("field").GetString());
    }

    [Theory]
    [InlineData("""{"email":"not-an-email","sequencer":{"provider":"smartlead","client_id":1}}""", "email")]
    [InlineData("""{"email":"a@acme.com"}""", "sequencer")]
    [InlineData("""{"email":"a@acme.com","sequencer":{"provider":"hubspot","client_id":1}}""", "sequencer.provider")]
    [InlineData("""{"email":"a@acme.com","sequencer":{"provider":"smartlead","client_id":"x"}}""", "sequencer.client_id")]
    public async Task Create_BadInput_Returns400AndStoresNothing(string body, string field)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostRawAsync("/partner/v1/users", body);

        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/users")).Data.EnumerateArray());
    }

    [Fact]
    public async Task ListGetPatchDelete_Lifecycle()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/users", NewUser("one@acme.com"))).Data.GetProperty("id").GetString();
        await partner.Test.PostAsync("/partner/v1/users", NewUser("two@acme.com"));

        var byEmail = await partner.Test.GetAsync("/partner/v1/users?email=one@acme.com");
        var patched = await partner.Test.PatchAsync(
            $"/partner/v1/users/{id}",
            new { first_name = "Sam", sequencer = new { provider = "smartlead", client_id = 42 } }
        );
        var deleted = await partner.Test.DeleteAsync($"/partner/v1/users/{id}");
        var active = await partner.Test.GetAsync("/partner/v1/users?status=active");
        var gone = await partner.Test.GetAsync("/partner/v1/users?status=deleted");

        Assert.Equal(id, Assert.Single(byEmail.Data.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("Sam", patched.Data.GetProperty("first_name").GetString());
        Assert.Equal("Rivera", patched.Data.GetProperty("last_name").GetString());
        Assert.Equal(42, patched.Data.GetProperty("sequencer").GetProperty("client_id").GetInt64());
        Assert.Equal("deleted", deleted.Data.GetProperty("status").GetString());
        Assert.Equal("two@acme.com", Assert.Single(active.Data.EnumerateArray()).GetProperty("email").GetString());
        Assert.Equal(id, Assert.Single(gone.Data.EnumerateArray()).GetProperty("id").GetString());
        Assert.Equal("deleted", (await partner.Test.GetAsync($"/partner/v1/users/{id}")).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task OtherPartner_GetsNotFound()
    {
        var owner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var id = (await owner.Test.PostAsync("/partner/v1/users", NewUser("mine@acme.com"))).Data.GetProperty("id").GetString();

        Assert.Equal("not_found", (await other.Test.GetAsync($"/partner/v1/users/{id}")).ErrorCode);
        Assert.Equal("not_found", (await other.Test.PatchAsync($"/partner/v1/users/{id}", new { first_name = "x" })).ErrorCode);
        Assert.Equal("not_found", (await other.Test.DeleteAsync($"/partner/v1/users/{id}")).ErrorCode);
        Assert.Empty((await other.Test.GetAsync("/partner/v1/users?email=mine@acme.com")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Patch_EmailOfAnotherUser_Returns409AndChangesNothing()
    {
        var partner = await fixture.NewPartnerAsync();
        await partner.Test.PostAsync("/partner/v1/users", NewUser("first@acme.com"));
        var id = (await partner.Test.PostAsync("/partner/v1/users", NewUser("second@acme.com"))).Data.GetProperty("id").GetString();

        var response = await partner.Test.PatchAsync($"/partner/v1/users/{id}", new { email = "first@acme.com" });

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("second@acme.com", (await partner.Test.GetAsync($"/partner/v1/users/{id}")).Data.GetProperty("email").GetString());
    }

    [Fact]
    public async Task List_PagesWithPerPageOneOnTheAliasPath()
    {
        var partner = await fixture.NewPartnerAsync();
        for (var i = 0; i < 3; i++)
        {
            await partner.Test.PostAsync("/api/partner/v1/users", NewUser($"p{i}@acme.com"));
        }

        var emails = new List<string>();
        string? path = "/api/partner/v1/users?per_page=1";
        while (path is not null)
        {
            var page = await partner.Test.GetAsync(path);
            emails.AddRange(page.Data.EnumerateArray().Select(u => u.GetProperty("email").GetString()!));
            var next = page.Body.GetProperty("links").GetProperty("next");
            path = next.ValueKind == System.Text.Json.JsonValueKind.Null ? null : new Uri(next.GetString()!).PathAndQuery;
            Assert.Contains("/api/partner/v1/users", page.Body.GetProperty("meta").GetProperty("path").GetString());
        }

        Assert.Equal(["p0@acme.com", "p1@acme.com", "p2@acme.com"], emails);
    }
}
