using System.Net;
using System.Text.Json;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>Runs the README's seed flow with the example files it points at, as the demo partner.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class PartnerApiExamplesTests(PartnerApiFixture fixture)
{
    private static string Example(string name) => File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", name));

    [Fact]
    public async Task SeedFlow_WithTheReadmeExamplesAndDemoKey_Works()
    {
        using var sample = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepoPaths.Root, "local.settings.sample.json")));
        var demoKey = sample.RootElement.GetProperty("Values").GetProperty("Peeker__DemoApiKey").GetString();
        Assert.Equal(PartnerApiFixture.DemoKey, demoKey);
        Assert.Contains(demoKey!, File.ReadAllText(Path.Combine(RepoPaths.Root, "README.md")), StringComparison.Ordinal);
        var demo = fixture.Client(demoKey);

        var bundle = await demo.PostRawAsync("/partner/v1/bundles", Example("create-bundle.json"));
        var availability = await demo.PostRawAsync("/partner/v1/domains/availability", Example("check-availability.json"));
        var order = await demo.PostRawAsync("/partner/v1/orders", Example("create-order.json"));
        var read = await demo.GetAsync($"/partner/v1/orders/{order.Data.GetProperty("id").GetString()}");

        Assert.Equal(HttpStatusCode.Created, bundle.Status);
        Assert.Equal(19, bundle.Data.GetProperty("required_domains").GetProperty("total").GetInt32());
        Assert.Equal(
            ["acme-mail.com", "taken-acme.com", "team-acme.com"],
            availability.Data.GetProperty("domains").EnumerateArray().Select(r => r.GetProperty("domain").GetString())
        );
        Assert.Equal(HttpStatusCode.OK, order.Status);
        Assert.Equal("in_progress", read.Data.GetProperty("status").GetString());
        Assert.Equal(
            "https://shop.acme.com",
            read.Data.GetProperty("domain_details")
                .EnumerateArray()
                .Single(d => d.GetProperty("domain").GetString() == "shop-acme.com")
                .GetProperty("forwarding_url")
                .GetString()
        );
    }

    [Fact]
    public async Task ResolvePendingActionExample_IsAcceptedForAnOpenAction()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = (
            await partner.Test.PostRawAsync(
                "/partner/v1/orders",
                Example("create-order.json").Replace("acme", "ex" + Guid.NewGuid().ToString("N")[..8], StringComparison.Ordinal)
            )
        ).Data;
        var orderId = order.GetProperty("id").GetString()!;
        var domain = (await partner.Test.GetAsync($"/partner/v1/orders/{orderId}")).Data.GetProperty("domain_details")[0];
        var name = domain.GetProperty("domain").GetString()!;
        var actionId = OpenPendingAction.ActionId(orderId, name, $"sam@{name}", CreateInbox.PictureNotAccessible);
        await fixture
            .Service<PendingActionStore>()
            .AddAsync(
                PeekerEnvironment.Test,
                partner.Id,
                new PendingAction(
                    actionId,
                    orderId,
                    order.GetProperty("user_id").GetString(),
                    OpenPendingAction.ActionType,
                    CreateInbox.PictureNotAccessible,
                    PendingActionStatus.Open,
                    domain.GetProperty("id").GetString(),
                    name,
                    new Persona("Sam", "Lee", "https://intranet.example/sam.jpg"),
                    "Not reachable.",
                    fixture.Time.GetUtcNow(),
                    Email: $"sam@{name}"
                ),
                default
            );

        var response = await partner.Test.PostRawAsync(
            $"/partner/v1/orders/pending/{actionId}/resolve",
            Example("resolve-pending-action.json")
        );

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal(
            "https://cdn.acme.com/sam-public.jpg",
            response.Data.GetProperty("user").GetProperty("profile_picture_url").GetString()
        );
    }

    [Fact]
    public async Task CreatePartnerExample_IsAcceptedByTheAdminApi()
    {
        var response = await fixture.Admin().PostRawAsync("/admin/v1/partners", Example("create-partner.json"));

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("Acme Agency", response.Data.GetProperty("name").GetString());
        var key = await fixture
            .Admin()
            .PostRawAsync($"/admin/v1/partners/{response.Data.GetProperty("id").GetString()}/api_keys", Example("create-api-key.json"));
        Assert.Equal(HttpStatusCode.Created, key.Status);
        var me = await fixture.Client(key.Data.GetProperty("key").GetString()).GetAsync("/partner/v1/me");
        Assert.Equal("read", me.Data.GetProperty("api_key").GetProperty("permission_preset").GetString());
        Assert.Equal(
            "OK",
            (await fixture.Admin().DeleteAsync($"/admin/v1/api_keys/{key.Data.GetProperty("id").GetString()}")).Status.ToString()
        );
    }
}
