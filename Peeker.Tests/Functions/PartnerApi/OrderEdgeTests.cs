using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

[Collection(PartnerApiGroup.Name)]
public sealed class OrderEdgeTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Create_InventoryDomain_IsUsedEvenIfTheRegistrarSaysTaken()
    {
        var partner = await fixture.NewPartnerAsync();
        var owned = Unique("taken-owned");
        var inventoryId = Peeker.Activities.Common.Ids.New("dom", fixture.Time);
        await fixture
            .Service<DomainStore>()
            .SaveAsync(
                PeekerEnvironment.Test,
                partner.Id,
                [
                    new DomainRecord(
                        inventoryId,
                        owned,
                        "inventory",
                        "available",
                        null,
                        null,
                        null,
                        ["google", "microsoft"],
                        null,
                        fixture.Time.GetUtcNow()
                    ),
                ],
                default
            );
        Assert.Single((await partner.Test.GetAsync("/partner/v1/domains?category=inventory")).Data.EnumerateArray());

        var response = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("inv@example.com", 2, 1, 2, [owned, Unique("bought")]).ToJsonString()
        );

        Assert.Equal(HttpStatusCode.OK, response.Status);
        var full = (await partner.Test.GetAsync($"/partner/v1/orders/{response.Data.GetProperty("id").GetString()}")).Data;
        Assert.Equal([owned], full.GetProperty("domains").GetProperty("imported").EnumerateArray().Select(e => e.GetString()));
        Assert.Equal(1, full.GetProperty("costs").GetProperty("line_items")[2].GetProperty("quantity").GetInt32());
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/domains?category=inventory")).Data.EnumerateArray());
        var connected = (await partner.Test.GetAsync("/partner/v1/domains?category=connected")).Data.EnumerateArray().ToList();
        Assert.Equal(2, connected.Count);
        Assert.Contains(connected, d => d.GetProperty("id").GetString() == inventoryId);
    }

    [Fact]
    public async Task Create_TwoOrdersRacingForOneDomain_ExactlyOneWins()
    {
        var partner = await fixture.NewPartnerAsync();
        var shared = Unique("race");
        var bodies = Enumerable
            .Range(0, 4)
            .Select(i => CustomOrder($"race{i}@example.com", 2, 1, 2, [shared, Unique($"r{i}")]).ToJsonString())
            .ToList();

        var responses = await Task.WhenAll(bodies.Select(b => partner.Test.PostAsync("/partner/v1/orders", b)));

        Assert.Single(responses, r => r.Status == HttpStatusCode.OK);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal("domain_already_in_active_order", r.ErrorCode));
        Assert.Single((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Create_IdenticalBodiesInParallel_CreateOneOrder()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("parallel@example.com", 2, 1, 2, Domains(2)).ToJsonString();

        var responses = await Task.WhenAll(Enumerable.Range(0, 3).Select(_ => partner.Test.PostAsync("/partner/v1/orders", body)));

        var ok = responses.Where(r => r.Status == HttpStatusCode.OK).Select(r => r.Data.GetProperty("id").GetString()).Distinct().ToList();
        var id = Assert.Single(ok);
        Assert.All(responses.Where(r => r.Status != HttpStatusCode.OK), r => Assert.Equal(HttpStatusCode.Conflict, r.Status));
        Assert.Single((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Single(fixture.Workflows.Provisioned, p => p.OrderId == id);
        Assert.Equal(id, (await partner.Test.PostAsync("/partner/v1/orders", body)).Data.GetProperty("id").GetString());
    }

    [Fact]
    public async Task Create_EngineFails_LeavesNoDomainsClaimsOrSecretsBehind()
    {
        var partner = await fixture.NewPartnerAsync();
        var domains = Domains(2);
        fixture.Workflows.FailNextStart = true;

        var failed = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder("rollback@example.com", 2, 1, 2, domains).ToJsonString()
        );

        Assert.Equal("internal_error", failed.ErrorCode);
        var order = Assert.Single((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
        Assert.Equal("failed", order.GetProperty("status").GetString());
        Assert.Null(
            await fixture
                .Service<ISequencerCredentialStore>()
                .GetAsync(PeekerEnvironment.Test, order.GetProperty("id").GetString()!, default)
        );
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/domains")).Data.EnumerateArray());
        Assert.Null(await fixture.Service<DomainStore>().ActiveOrderOfAsync(PeekerEnvironment.Test, domains[0], default));
    }

    [Fact]
    public async Task Create_SameBodyAfter24Hours_IsNotAReplay()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("window@example.com", 2, 1, 2, Domains(2)).ToJsonString();
        var first = await partner.Test.PostAsync("/partner/v1/orders", body);
        fixture.Time.Advance(TimeSpan.FromHours(25));

        var later = await partner.Test.PostAsync("/partner/v1/orders", body);

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("domain_already_in_active_order", later.ErrorCode);
        Assert.Single((await partner.Test.GetAsync("/partner/v1/orders")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Cancel_MarksTheDomainRowsCancelScheduled()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("dcancel@example.com", 2, 1, 2, Domains(2)).ToJsonString())
        )
            .Data.GetProperty("id")
            .GetString()!;

        await partner.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { });

        Assert.Equal(2, (await partner.Test.GetAsync("/partner/v1/domains?status=cancel_scheduled")).Data.GetArrayLength());
    }

    [Theory]
    [InlineData("/partner/v1/orders/not-an-id")]
    [InlineData("/partner/v1/bundles/bun_%27%20or%20%271")]
    [InlineData("/partner/v1/users/usr_01JD'x")]
    public async Task Get_MalformedIds_Return404(string path)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync(path);

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorCode);
    }

    [Fact]
    public async Task Cancel_EmptyDomainsList_Returns400()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("empty@example.com", 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;

        var response = await partner.Test.PostAsync($"/partner/v1/orders/{id}/cancel", new { domains = Array.Empty<string>() });

        Assert.Equal("domains", response.Error.GetProperty("field").GetString());
        Assert.Equal(
            OrderStatus.InProgress,
            (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString()
        );
    }
}
