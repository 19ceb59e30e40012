using System.Net;
using System.Text.Json;
using System.Text.Json.Nodes;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class OrderTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Create_BundleOrder_ReturnsLeanReceiptAndStartsProvisioning()
    {
        var partner = await fixture.NewPartnerAsync();
        var bundleId = await SmallBundleAsync(partner);
        var domains = Domains(3);

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            BundleOrder(bundleId, "Client@Example.com", domains).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var o = response.Data;
        var id = o.GetProperty("id").GetString()!;
        Assert.StartsWith("ord_", id);
        Assert.StartsWith("usr_", o.GetProperty("user_id").GetString());
        Assert.Equal("client@example.com", o.GetProperty("email").GetString());
        Assert.Equal(bundleId, o.GetProperty("bundle_id").GetString());
        Assert.Equal("in_progress", o.GetProperty("status").GetString());
        Assert.Equal(3, o.GetProperty("domain_count").GetInt32());
        Assert.Equal(4 * 100 + 900 + 3 * 1300, o.GetProperty("costs").GetProperty("total_cents").GetInt64());
        Assert.Equal("usd", o.GetProperty("costs").GetProperty("currency").GetString());
        var created = DateTimeOffset.Parse(o.GetProperty("created_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture);
        Assert.Equal(
            created.AddMonths(1),
            DateTimeOffset.Parse(o.GetProperty("renews_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture)
        );
        Assert.Contains((PeekerEnvironment.Test, id), fixture.Workflows.Provisioned);

        var full = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data;
        Assert.Equal(
            domains.Order(),
            full.GetProperty("domains").GetProperty("registered").EnumerateArray().Select(e => e.GetString()!).Order()
        );
        Assert.Equal(
            1,
            full.GetProperty("domain_details").EnumerateArray().Count(d => d.GetProperty("provider").GetString() == "microsoft")
        );
        Assert.Equal(3, full.GetProperty("costs").GetProperty("line_items").GetArrayLength());
        Assert.Equal("Sam", full.GetProperty("personas")[0].GetProperty("first_name").GetString());
        Assert.Equal(
            id,
            Assert
                .Single((await partner.Test.GetAsync("/partner/v1/orders?user_email=client@example.com")).Data.EnumerateArray())
                .GetProperty("id")
                .GetString()
        );
        Assert.Single((await partner.Test.GetAsync($"/partner/v1/orders?bundle_id={bundleId}&status=in_progress")).Data.EnumerateArray());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/orders?status=completed")).Data.EnumerateArray());
        var connected = (await partner.Test.GetAsync("/partner/v1/domains?category=connected")).Data.EnumerateArray().ToList();
        Assert.Equal(3, connected.Count);
        Assert.All(connected, d => Assert.Equal(id, d.GetProperty("order_id").GetString()));
        Assert.Single(
            (await partner.Test.GetAsync("/partner/v1/domains?usable_for=microsoft&category=connected")).Data.EnumerateArray(),
            d => d.GetProperty("provider").GetString() == "microsoft"
        );
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/domains?category=inventory")).Data.EnumerateArray());
        Assert.Equal(
            "client@example.com",
            Assert.Single((await partner.Test.GetAsync("/partner/v1/users")).Data.EnumerateArray()).GetProperty("email").GetString()
        );
        Assert.Equal(
            "archived",
            (await partner.Test.DeleteAsync($"/partner/v1/bundles/{bundleId}")).Data.GetProperty("status").GetString()
        );
    }

    [Fact]
    public async Task Create_CustomOrder_UsesLicenseCountsAndInboxDensity()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("custom@example.com", 6, 0, 3, Domains(2)).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(JsonValueKind.Null, response.Data.GetProperty("bundle_id").ValueKind);
        Assert.Equal(2, response.Data.GetProperty("domain_count").GetInt32());
        var full = (await partner.Test.GetAsync($"/partner/v1/orders/{response.Data.GetProperty("id").GetString()}")).Data;
        Assert.Equal(3, full.GetProperty("google_inboxes_per_domain").GetInt32());
        Assert.Equal(6, full.GetProperty("google_licenses").GetInt32());
    }

    [Fact]
    public async Task Create_ClientIdSmartleadDoesNotKnow_Returns400NamingTheFieldAndStoresNothing()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("unknown-client@example.com", 2, 0, 2, Domains(1));
        body["sequencer"]!["client_id"] = FakeSequencerClients.UnknownClientId;

        var response = await partner.Test.PostAsync("/partner/v1/orders", body.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal("sequencer.client_id", response.Error.GetProperty("field").GetString());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/users")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Create_LiveOrderWithMicrosoftLicenses_Returns400NotSupportedAndStoresNothing()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Live.PostAsync(
            "/partner/v1/orders",
            CustomOrder("live-ms@example.com", 2, 1, 2, Domains(2)).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("not_supported", response.ErrorCode);
        Assert.Equal("microsoft_licenses", response.Error.GetProperty("field").GetString());
        Assert.Empty((await partner.Live.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Empty((await partner.Live.GetAsync("/partner/v1/users")).Data.EnumerateArray());
        Assert.DoesNotContain(fixture.Registrar.Queries, q => q.Scope.PartnerId == partner.Id);
    }

    [Fact]
    public async Task Create_SameBodyTwice_ReturnsTheOriginalOrderOnce()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("idem@example.com", 2, 1, 2, Domains(2)).ToJsonString();

        var first = await partner.Test.PostAsync("/partner/v1/orders", body);
        var second = await partner.Test.PostAsync(
            "/partner/v1/orders",
            JsonNode.Parse(body)!.ToJsonString(new JsonSerializerOptions { WriteIndented = true })
        );

        Assert.Equal(HttpStatusCode.OK, second.Status);
        var id = first.Data.GetProperty("id").GetString();
        Assert.Equal(id, second.Data.GetProperty("id").GetString());
        // A replay makes sure provisioning started (the engine dedupes on the order id): one order, one instance id.
        Assert.Single(fixture.Workflows.Provisioned.Where(p => p.OrderId == id).Distinct());
        Assert.Single((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Create_SameBodyAfterFailedOrder_IsANewOrder()
    {
        var partner = await fixture.NewPartnerAsync();
        var domains = Domains(2);
        var body = CustomOrder("again@example.com", 2, 1, 2, domains).ToJsonString();
        var first = (await partner.Test.PostAsync("/partner/v1/orders", body)).Data.GetProperty("id").GetString()!;
        await fixture.Service<OrderStore>().SetStatusAsync(PeekerEnvironment.Test, first, OrderStatus.Failed, default);
        await fixture.Service<Peeker.Activities.Domains.DomainStore>().ReleaseAsync(PeekerEnvironment.Test, first, domains, default);

        var second = await partner.Test.PostAsync("/partner/v1/orders", body);

        Assert.Equal(HttpStatusCode.OK, second.Status);
        Assert.NotEqual(first, second.Data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Create_DomainOnAnotherActiveOrder_Returns409NamingIt()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var domains = Domains(2);
        await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("a@example.com", 2, 1, 2, domains).ToJsonString());
        var fresh = Unique("fresh");

        var mine = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("b@example.com", 2, 1, 2, [domains[0], fresh]).ToJsonString()
        );
        var theirs = await other.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("c@example.com", 2, 1, 2, [fresh, domains[1]]).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.Conflict, mine.Status);
        Assert.Equal("domain_already_in_active_order", mine.ErrorCode);
        Assert.Equal([domains[0]], mine.Error.GetProperty("details").GetProperty("domains").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal("domain_already_in_active_order", theirs.ErrorCode);
        Assert.Single((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Empty((await other.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Create_WrongDomainCount_Returns400WithTheThreeCounts()
    {
        var partner = await fixture.NewPartnerAsync();
        var bundleId = await SmallBundleAsync(partner);

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            BundleOrder(bundleId, "count@example.com", Domains(2)).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("domain_count_mismatch", response.ErrorCode);
        Assert.Equal("domains", response.Error.GetProperty("field").GetString());
        var details = response.Error.GetProperty("details");
        Assert.Equal(3, details.GetProperty("required_count").GetInt32());
        Assert.Equal(2, details.GetProperty("submitted_count").GetInt32());
        Assert.Equal(1, details.GetProperty("missing_count").GetInt32());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_TooFewMicrosoftUsableDomains_Returns400()
    {
        var partner = await fixture.NewPartnerAsync();
        var domains = new[] { Unique("g1", "app"), Unique("g2", "app"), Unique("m1") };

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("split@example.com", 2, 2, 2, domains).ToJsonString()
        );

        Assert.Equal("microsoft_split_unsatisfied", response.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_TakenOrPremiumDomain_Returns400NamingThem()
    {
        var partner = await fixture.NewPartnerAsync();
        var taken = Unique("taken");
        var premium = Unique("premium");

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("unavail@example.com", 2, 1, 2, [taken, premium]).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("domain_unavailable", response.ErrorCode);
        var rows = response.Error.GetProperty("details").GetProperty("domains").EnumerateArray().ToList();
        Assert.Equal((taken, "taken"), (rows[0].GetProperty("domain").GetString(), rows[0].GetProperty("reason").GetString()));
        Assert.Equal((premium, "premium"), (rows[1].GetProperty("domain").GetString(), rows[1].GetProperty("reason").GetString()));
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_MixedShapes_ReturnOrderShapeConflict()
    {
        var partner = await fixture.NewPartnerAsync();
        var bundleId = await SmallBundleAsync(partner);
        var mixed = BundleOrder(bundleId, "shape@example.com", Domains(3));
        mixed["google_licenses"] = 4;
        var twoUsers = BundleOrder(bundleId, "shape@example.com", Domains(3));
        twoUsers["user_id"] = "usr_01JDZZZZZZZZZZZZZZZZZZZZZZ";

        var first = await partner.Test.PostAsync("/partner/v1/orders", mixed.ToJsonString());
        var second = await partner.Test.PostAsync("/partner/v1/orders", twoUsers.ToJsonString());

        Assert.Equal("order_shape_conflict", first.ErrorCode);
        Assert.Equal(HttpStatusCode.BadRequest, first.Status);
        Assert.Equal("order_shape_conflict", second.ErrorCode);
        await AssertNothingStoredAsync(partner);
    }

    public static TheoryData<string, string, string> BadBodies() =>
        new()
        {
            { "forwarding_url", "ftp://acme.com", "forwarding_url" },
            { "personas", """[{"first_name":"Sam","last_name":"Lee"}]""", "personas[0].profile_picture_url" },
            {
                "personas",
                "[" + string.Join(",", Enumerable.Repeat("""{"first_name":"a","last_name":"b","profile_picture_url":null}""", 11)) + "]",
                "personas"
            },
            { "sequencer", """{"provider":"smartlead","client_id":1,"login_email":"ops@client.com"}""", "sequencer.login_password" },
            {
                "sequencer",
                """{"provider":"outreach","client_id":1,"login_email":"ops@client.com","login_password":"x"}""",
                "sequencer.provider"
            },
            { "domains", "[7, \"a.com\", \"b.com\"]", "domains[0]" },
            { "domains", """["not a domain", "a.com", "b.com"]""", "domains[0]" },
            { "domains", """[{"domain":"a.com","forwarding_url":"javascript:alert(1)"}, "b.com", "c.com"]""", "domains[0].forwarding_url" },
            { "user", "42", "user" },
            { "user", "\"not-an-email\"", "user" },
        };

    [Theory]
    [MemberData(nameof(BadBodies))]
    public async Task Create_InvalidField_Returns400NamingItAndStoresNothing(string property, string json, string field)
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("bad@example.com", 2, 1, 2, Domains(3).Take(2));
        if (property == "domains")
        {
            body["domains"] = JsonNode.Parse(json);
        }
        else
        {
            body[property] = property == "forwarding_url" ? json : JsonNode.Parse(json);
        }

        var response = await partner.Test.PostAsync("/partner/v1/orders", body.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_UnknownUserId_Returns404()
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("usr_01JDZZZZZZZZZZZZZZZZZZZZZZ", 2, 1, 2, Domains(2)).ToJsonString()
        );

        Assert.Equal("not_found", response.ErrorCode);
        Assert.Equal("user", response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_OlderForms_UserObjectUsersListAndUserId()
    {
        var partner = await fixture.NewPartnerAsync();
        var old = CustomOrder("x", 2, 1, 2, Domains(2));
        old["user"] = new JsonObject
        {
            ["email"] = "old@example.com",
            ["first_name"] = "Old",
            ["last_name"] = "Client",
        };
        old["users"] = old["personas"]!.DeepClone();
        old.Remove("personas");

        var first = await partner.Test.PostAsync("/partner/v1/orders", old.ToJsonString());
        var userId = first.Data.GetProperty("user_id").GetString()!;
        var byId = CustomOrder("x", 2, 1, 2, Domains(2));
        byId.Remove("user");
        byId["user_id"] = userId;
        var second = await partner.Test.PostAsync("/partner/v1/orders", byId.ToJsonString());
        var byIdString = await partner.Test.PostAsync("/partner/v1/orders", CustomOrder(userId, 2, 1, 2, Domains(2)).ToJsonString());

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("Old", (await partner.Test.GetAsync($"/partner/v1/users/{userId}")).Data.GetProperty("first_name").GetString());
        Assert.Equal(userId, second.Data.GetProperty("user_id").GetString());
        Assert.Equal(userId, byIdString.Data.GetProperty("user_id").GetString());
        Assert.Single((await partner.Test.GetAsync("/partner/v1/users")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Create_EngineFails_Returns500AndReleasesTheDomains()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("engine@example.com", 2, 1, 2, Domains(2)).ToJsonString();
        fixture.Workflows.FailNextStart = true;

        var failed = await partner.Test.PostAsync("/partner/v1/orders", body);
        var retried = await partner.Test.PostAsync("/partner/v1/orders", body);

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("internal_error", failed.ErrorCode);
        Assert.Equal(HttpStatusCode.OK, retried.Status);
        Assert.Equal("in_progress", retried.Data.GetProperty("status").GetString());
    }

    private static async Task AssertNothingStoredAsync(TestPartner partner)
    {
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/users")).Data.EnumerateArray());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/domains")).Data.EnumerateArray());
    }
}
