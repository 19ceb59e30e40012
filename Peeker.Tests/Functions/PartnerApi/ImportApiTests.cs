using System.Net;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>The domain import endpoints over HTTP (the import itself runs in the engine; see ImportFlowTests).</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class ImportApiTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Import_RootNamesPendNonRootAndOwnedNamesFailAsRows_ImportStarts()
    {
        var partner = await fixture.NewPartnerAsync();
        var owned = Domains(2);
        await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("imp@example.com", 2, 1, 2, owned).ToJsonString());
        var fresh = Unique("own");

        var response = await partner.Test.PostAsync(
            "/partner/v1/domains/import",
            new { domains = new[] { fresh.ToUpperInvariant() + ".", "mail." + fresh, owned[0], fresh } }
        );
        var import = response.Data;
        var rows = import.GetProperty("domains").EnumerateArray().ToDictionary(r => r.GetProperty("domain").GetString()!, r => r);

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.StartsWith("imp_", import.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("in_progress", import.GetProperty("status").GetString());
        Assert.Equal(3, rows.Count);
        Assert.Equal("pending", rows[fresh].GetProperty("status").GetString());
        Assert.Equal(
            ("failed", "not_root_domain"),
            (rows["mail." + fresh].GetProperty("status").GetString(), rows["mail." + fresh].GetProperty("reason").GetString())
        );
        Assert.Equal("already_in_account", rows[owned[0]].GetProperty("reason").GetString());
        Assert.Empty(import.GetProperty("nameserver_groups").EnumerateArray());
        Assert.Contains(fixture.Workflows.Imports, i => i.ImportId == import.GetProperty("id").GetString() && i.PartnerId == partner.Id);
    }

    [Fact]
    public async Task Import_NameAnotherPartnerIsImporting_FailsDomainInUse_AndCannotBeOrdered()
    {
        var first = await fixture.NewPartnerAsync("First");
        var second = await fixture.NewPartnerAsync("Second");
        var name = Unique("held");
        await first.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } });

        var taken = await second.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } });
        var ordered = await second.Test.PostAsync("/partner/v1/orders", CustomOrder("taker@example.com", 2, 0, 2, [name]).ToJsonString());
        var again = await first.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { name } });

        var row = taken.Data.GetProperty("domains").EnumerateArray().Single();
        Assert.Equal(("failed", "domain_in_use"), (row.GetProperty("status").GetString(), row.GetProperty("reason").GetString()));
        Assert.Equal(
            (HttpStatusCode.Conflict, "domain_in_use", "domains"),
            (ordered.Status, ordered.ErrorCode, ordered.Error.GetProperty("field").GetString())
        );
        Assert.Equal("pending", again.Data.GetProperty("domains").EnumerateArray().Single().GetProperty("status").GetString());
    }

    [Fact]
    public async Task ImportJob_Returns202_ReadableOnBothRoutes_AndByNameLookup()
    {
        var partner = await fixture.NewPartnerAsync();
        var names = Domains(30);

        var job = await partner.Test.PostAsync("/partner/v1/domains/import/jobs", new { domains = names });
        var id = job.Data.GetProperty("id").GetString()!;
        var byJob = await partner.Test.GetAsync($"/partner/v1/domains/import/jobs/{id}");
        var byImport = await partner.Test.GetAsync($"/partner/v1/domains/import/{id}");
        var lookup = await partner.Test.GetAsync(
            $"/partner/v1/domains/import?domains={names[0]},{names[1].ToUpperInvariant()},never-imported.com"
        );

        Assert.Equal(HttpStatusCode.Accepted, job.Status);
        Assert.Equal(30, job.Data.GetProperty("domains").GetArrayLength());
        Assert.Equal(HttpStatusCode.OK, byJob.Status);
        Assert.Equal(byJob.Raw, byImport.Raw);
        var found = lookup.Data.EnumerateArray().ToList();
        Assert.Equal([names[0], names[1]], found.Select(r => r.GetProperty("domain").GetString()));
        Assert.All(found, r => Assert.Equal(id, r.GetProperty("import_id").GetString()));
    }

    [Fact]
    public async Task Import_NamesWithCharactersNoTableKeyHolds_FailAsRows_ImportReadable()
    {
        var partner = await fixture.NewPartnerAsync();
        var fresh = Unique("keysafe");
        string[] unsafeNames = ["a/b.com", "x#y.com", "q?r.com", "back\\slash.com", "ctl\u0001x.com"];

        var response = await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = unsafeNames.Append(fresh).ToArray() });
        var id = response.Data.GetProperty("id").GetString()!;
        var read = await partner.Test.GetAsync($"/partner/v1/domains/import/{id}");
        var lookup = await partner.Test.GetAsync($"/partner/v1/domains/import?domains=a%2Fb.com,x%23y.com,{fresh}");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var rows = read.Data.GetProperty("domains").EnumerateArray().ToList();
        Assert.Equal(6, rows.Count);
        Assert.All(
            rows.Where(r => r.GetProperty("domain").GetString() != fresh),
            r => Assert.Equal("not_root_domain", r.GetProperty("reason").GetString())
        );
        Assert.Equal("in_progress", read.Data.GetProperty("status").GetString());
        Assert.Equal([fresh], lookup.Data.EnumerateArray().Select(r => r.GetProperty("domain").GetString()));
    }

    [Theory]
    [InlineData("/partner/v1/domains/import/imp_%2Fx")]
    [InlineData("/partner/v1/domains/import/jobs/imp_a%5Cb")]
    [InlineData("/partner/v1/domains/import/imp_%1F")]
    [InlineData("/partner/v1/orders/ord_%23x")]
    [InlineData("/partner/v1/domains/forwarding/fwj_%3Fx")]
    [InlineData("/partner/v1/users/usr_%2F%2E%2E")]
    [InlineData("/partner/v1/bundles/bun_%01")]
    public async Task Get_IdsNoTableKeyHolds_Return404(string path)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync(path);

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (response.Status, response.ErrorCode));
    }

    [Fact]
    public async Task UserEmails_WithCharactersNoTableKeyHolds_AreRefusedOrFindNothing()
    {
        var partner = await fixture.NewPartnerAsync();

        var created = await partner.Test.PostAsync(
            "/partner/v1/users",
            new { email = "a/b@example.com", sequencer = new { provider = "smartlead", client_id = 1 } }
        );
        var filtered = await partner.Test.GetAsync("/partner/v1/domains?user_email=a%2Fb%40example.com");
        var orders = await partner.Test.GetAsync("/partner/v1/orders?user_email=x%23y%40example.com");

        Assert.Equal(
            (HttpStatusCode.BadRequest, "invalid_request", "email"),
            (created.Status, created.ErrorCode, created.Error.GetProperty("field").GetString())
        );
        Assert.Equal(HttpStatusCode.OK, filtered.Status);
        Assert.Empty(filtered.Data.EnumerateArray());
        Assert.Equal(HttpStatusCode.OK, orders.Status);
    }

    [Theory]
    [InlineData("/partner/v1/domains/import", """{}""", "domains")]
    [InlineData("/partner/v1/domains/import", """{"domains":[]}""", "domains")]
    [InlineData("/partner/v1/domains/import", """{"domains":[42]}""", "domains[0]")]
    [InlineData("/partner/v1/domains/import/jobs", """{"domains":["a.com", " "]}""", "domains[1]")]
    public async Task Import_BadInput_Returns400NamingTheFieldAndStartsNothing(string path, string body, string field)
    {
        var partner = await fixture.NewPartnerAsync();
        var before = fixture.Workflows.Imports.Count;

        var response = await partner.Test.PostRawAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        Assert.Equal(before, fixture.Workflows.Imports.Count);
    }

    [Fact]
    public async Task Import_Limits_PresetsAndTenancy()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var limited = fixture.Client(await fixture.NewKeyAsync(partner.Id, "limited"));

        var tooMany = await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = Domains(26) });
        var forbidden = await limited.PostAsync("/partner/v1/domains/import", new { domains = Domains(1) });
        var id = (await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = Domains(1) }))
            .Data.GetProperty("id")
            .GetString()!;
        var lookupWithoutNames = await partner.Test.GetAsync("/partner/v1/domains/import");

        Assert.Equal("domains", tooMany.Error.GetProperty("field").GetString());
        Assert.Equal("forbidden", forbidden.ErrorCode);
        Assert.Equal("not_found", (await other.Test.GetAsync($"/partner/v1/domains/import/{id}")).ErrorCode);
        Assert.Equal("not_found", (await partner.Live.GetAsync($"/partner/v1/domains/import/{id}")).ErrorCode);
        Assert.Equal(
            ("invalid_request", "domains"),
            (lookupWithoutNames.ErrorCode, lookupWithoutNames.Error.GetProperty("field").GetString())
        );
    }
}
