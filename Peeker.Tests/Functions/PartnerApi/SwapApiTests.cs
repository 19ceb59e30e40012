using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Swaps;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// <c>POST /swaps</c>, <c>GET /swaps</c> and <c>GET /swaps/{id}</c> over HTTP (the swap itself runs in the engine; see
/// SwapOrchestratorTests and SwapFlowTests). Orders are placed over HTTP and marked completed in their stores, since no
/// engine provisions them here.
/// </summary>
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

    [Fact]
    public async Task Create_Standard_Returns201CreatedRowStoredAndStarted()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);
        var replacement = Unique("fresh");

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = replacement.ToUpperInvariant(),
            }
        );
        var id = response.Data.GetProperty("id").GetString()!;
        var read = await partner.Test.GetAsync($"/partner/v1/swaps/{id}");

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.StartsWith("swp_", id, StringComparison.Ordinal);
        Assert.Equal("standard", response.Data.GetProperty("type").GetString());
        Assert.Equal("created", response.Data.GetProperty("status").GetString());
        Assert.Equal(order.GoogleId, response.Data.GetProperty("domain_id").GetString());
        Assert.Equal(replacement, response.Data.GetProperty("replacement_domain").GetString());
        Assert.Equal(order.OrderId, response.Data.GetProperty("order_id").GetString());
        Assert.StartsWith("dom_", response.Data.GetProperty("replacement_domain_id").GetString(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.OK, read.Status);
        Assert.Contains(fixture.Workflows.Swaps, s => s.SwapId == id && s.PartnerId == partner.Id);
        Assert.Equal(id, await fixture.Service<SwapStore>().ClaimOfAsync(PeekerEnvironment.Test, partner.Id, order.GoogleId, default));
        Assert.Equal(order.OrderId, await fixture.Service<DomainStore>().ActiveOrderOfAsync(PeekerEnvironment.Test, replacement, default));
        // The registrar's quote is kept for the order's costs once the swap completes.
        var quote = (
            await fixture
                .Service<DomainAvailabilityService>()
                .CheckAsync(new ProviderScope(PeekerEnvironment.Test, partner.Id), [replacement], default)
        )[0];
        var stored = await fixture.Service<SwapStore>().GetAsync(PeekerEnvironment.Test, partner.Id, id, default);
        Assert.True(quote.PriceCents > 0);
        Assert.Equal(quote.PriceCents, stored!.ReplacementPriceCents);
    }

    [Theory]
    [InlineData("""{"domain_id":"dom_x","replacement_domain":"a-new.com"}""", "type")]
    [InlineData("""{"type":"user_names","domain_id":"dom_x","replacement_domain":"a-new.com"}""", "type")]
    [InlineData("""{"type":"standard","replacement_domain":"a-new.com"}""", "domain_id")]
    [InlineData("""{"type":"standard","domain_id":"dom_x"}""", "replacement_domain")]
    [InlineData("""{"type":"standard","domain_id":"dom_x","replacement_domain":"a-new.com","personas":[]}""", "personas")]
    [InlineData(
        """{"type":"standard","domain_id":"dom_x","replacement_domain":"a-new.com","personas":[{"first_name":"Sam","last_name":"Lee"}]}""",
        "personas[0].profile_picture_url"
    )]
    public async Task Create_BadBody_Returns400NamingTheFieldAndStartsNothing(string body, string field)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.PostRawAsync("/partner/v1/swaps", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        Assert.DoesNotContain(fixture.Workflows.Swaps, s => s.PartnerId == partner.Id);
    }

    [Theory]
    [InlineData("not a domain")]
    [InlineData("SAME")]
    public async Task Create_BadReplacementName_Returns400OnReplacementDomain(string name)
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = name == "SAME" ? order.GoogleName : name,
            }
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("invalid_request", response.ErrorCode);
        Assert.Equal("replacement_domain", response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_UnknownDomain_Returns404OnDomainId()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var order = await CompletedOrderAsync(other);

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = Unique("fresh"),
            }
        );

        Assert.Equal(HttpStatusCode.NotFound, response.Status);
        Assert.Equal("not_found", response.ErrorCode);
        Assert.Equal("domain_id", response.Error.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Create_DomainOfAnOrderStillProvisioning_Returns409DomainNotSwappable()
    {
        var partner = await fixture.NewPartnerAsync();
        var domains = Domains(2);
        var orderId = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("swap-busy@example.com", 2, 1, 2, domains).ToJsonString())
        )
            .Data.GetProperty("id")
            .GetString()!;
        var domainId = (await partner.Test.GetAsync($"/partner/v1/orders/{orderId}"))
            .Data.GetProperty("domain_details")[0]
            .GetProperty("id")
            .GetString()!;

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = domainId,
                replacement_domain = Unique("fresh"),
            }
        );

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("domain_not_swappable", response.ErrorCode);
        Assert.Equal("provisioning", response.Error.GetProperty("details").GetProperty("status").GetString());
        Assert.Equal("in_progress", response.Error.GetProperty("details").GetProperty("order_status").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_DomainAlreadyBeingSwapped_Returns409NamingTheRunningSwap_StoresNothingMore()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);
        var first = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = Unique("fresh"),
            }
        );

        var second = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = Unique("other"),
            }
        );

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("domain_swap_in_progress", second.ErrorCode);
        Assert.Equal(first.Data.GetProperty("id").GetString(), second.Error.GetProperty("details").GetProperty("swap_id").GetString());
        Assert.Single((await partner.Test.GetAsync("/partner/v1/swaps")).Data.EnumerateArray());
    }

    [Fact]
    public async Task Create_PremiumOnGoogleDomain_Returns400PremiumSwapMicrosoftOnly()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "premium",
                domain_id = order.GoogleId,
                replacement_domain = Unique("fresh"),
            }
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("premium_swap_microsoft_only", response.ErrorCode);
        Assert.Equal("type", response.Error.GetProperty("field").GetString());
        Assert.Equal("google", response.Error.GetProperty("details").GetProperty("provider").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_PremiumOverTheBaseQuota_Returns409Quota_AllowedOnceTheTierIsRaised()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner, microsoft: 5);
        var first = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "premium",
                domain_id = order.MicrosoftIds[0],
                replacement_domain = Unique("fresh"),
            }
        );

        var refused = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "premium",
                domain_id = order.MicrosoftIds[1],
                replacement_domain = Unique("fresh"),
            }
        );
        var raised = await fixture.Admin().PatchAsync($"/admin/v1/partners/{partner.Id}", new { plan_tier = "vip" });
        var accepted = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "premium",
                domain_id = order.MicrosoftIds[1],
                replacement_domain = Unique("fresh"),
            }
        );

        Assert.Equal(HttpStatusCode.Created, first.Status);
        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("premium_swap_limit", refused.ErrorCode);
        var details = refused.Error.GetProperty("details");
        Assert.Equal("quota", details.GetProperty("limit").GetString());
        Assert.Equal("base", details.GetProperty("plan_tier").GetString());
        Assert.Equal(15, details.GetProperty("active_microsoft_inboxes").GetInt32());
        Assert.Equal(3, details.GetProperty("quota_inboxes").GetInt32());
        Assert.Equal(3, details.GetProperty("in_use_inboxes").GetInt32());
        var firstCreated = DateTimeOffset.Parse(
            first.Data.GetProperty("created_at").GetString()!,
            System.Globalization.CultureInfo.InvariantCulture
        );
        Assert.Equal(PeekerJson.Format(firstCreated.AddDays(14)), details.GetProperty("frees_at").GetString());
        Assert.Equal("vip", raised.Data.GetProperty("plan_tier").GetString());
        Assert.Equal(HttpStatusCode.Created, accepted.Status);
        Assert.Equal(2, (await partner.Test.GetAsync("/partner/v1/swaps")).Data.GetArrayLength());
    }

    [Fact]
    public async Task Create_PremiumWithinTheDomainsCooldown_Returns409CooldownWithFreesAt()
    {
        var partner = await fixture.NewPartnerAsync();
        await fixture.Admin().PatchAsync($"/admin/v1/partners/{partner.Id}", new { plan_tier = "vip_plus" });
        var order = await CompletedOrderAsync(partner, microsoft: 5);
        var earlier = fixture.Time.GetUtcNow().AddDays(-10);
        var done = new Swap(
            Ids.New("swp", earlier),
            partner.Id,
            SwapType.Premium,
            order.MicrosoftIds[0],
            "x.com",
            "y.com",
            order.OrderId,
            null,
            SwapStatus.Completed,
            null,
            earlier,
            earlier,
            earlier
        );
        await fixture.Service<SwapStore>().CreateAsync(PeekerEnvironment.Test, done, default);

        var refused = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "premium",
                domain_id = order.MicrosoftIds[0],
                replacement_domain = Unique("fresh"),
            }
        );
        var standard = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.MicrosoftIds[0],
                replacement_domain = Unique("fresh"),
            }
        );

        Assert.Equal(HttpStatusCode.Conflict, refused.Status);
        Assert.Equal("premium_swap_limit", refused.ErrorCode);
        Assert.Equal("cooldown", refused.Error.GetProperty("details").GetProperty("limit").GetString());
        Assert.Equal(done.Id, refused.Error.GetProperty("details").GetProperty("swap_id").GetString());
        Assert.Equal(PeekerJson.Format(earlier.AddDays(30)), refused.Error.GetProperty("details").GetProperty("frees_at").GetString());
        Assert.Equal(HttpStatusCode.Created, standard.Status);
    }

    [Fact]
    public async Task Create_ReplacementTaken_Returns400DomainUnavailable()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = Unique("taken"),
            }
        );

        Assert.Equal(HttpStatusCode.BadRequest, response.Status);
        Assert.Equal("domain_unavailable", response.ErrorCode);
        Assert.Equal("replacement_domain", response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_ReplacementOnAnActiveOrder_Returns409DomainAlreadyInActiveOrder()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner, microsoft: 1);

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = order.MicrosoftNames[0],
            }
        );

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("domain_already_in_active_order", response.ErrorCode);
        Assert.Equal("replacement_domain", response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_ReplacementHeldByAnotherPartner_Returns409DomainInUse()
    {
        var partner = await fixture.NewPartnerAsync();
        var other = await fixture.NewPartnerAsync("Other");
        var order = await CompletedOrderAsync(partner);
        var held = Unique("held");
        await other.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { held } });

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = held,
            }
        );

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("domain_in_use", response.ErrorCode);
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_ReplacementStillImporting_Returns201WithoutAReplacementIdYet()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);
        var imported = Unique("mine");
        await partner.Test.PostAsync("/partner/v1/domains/import", new { domains = new[] { imported } });

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = imported,
            }
        );

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.False(response.Data.TryGetProperty("replacement_domain_id", out _));
        var stored = await fixture
            .Service<SwapStore>()
            .GetAsync(PeekerEnvironment.Test, partner.Id, response.Data.GetProperty("id").GetString()!, default);
        Assert.Equal("imported", stored!.ReplacementSource);
        Assert.Null(stored.ReplacementPriceCents);
    }

    [Fact]
    public async Task Create_LimitedOrReadKey_Returns403()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);
        var limited = fixture.Client(await fixture.NewKeyAsync(partner.Id, "limited"));
        var read = fixture.Client(await fixture.NewKeyAsync(partner.Id, "read"));

        Assert.Equal(
            "forbidden",
            (
                await limited.PostAsync(
                    "/partner/v1/swaps",
                    new
                    {
                        type = "standard",
                        domain_id = order.GoogleId,
                        replacement_domain = Unique("fresh"),
                    }
                )
            ).ErrorCode
        );
        Assert.Equal(
            "forbidden",
            (
                await read.PostAsync(
                    "/partner/v1/swaps",
                    new
                    {
                        type = "standard",
                        domain_id = order.GoogleId,
                        replacement_domain = Unique("fresh"),
                    }
                )
            ).ErrorCode
        );
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Create_EngineDown_Returns500AndReleasesTheDomainForANewSwap()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);
        var replacement = Unique("fresh");
        fixture.Workflows.FailNextStart = true;

        var failed = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = replacement,
            }
        );
        var retried = await partner.Test.PostAsync(
            "/partner/v1/swaps",
            new
            {
                type = "standard",
                domain_id = order.GoogleId,
                replacement_domain = replacement,
            }
        );

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal("internal_error", failed.ErrorCode);
        Assert.Equal(HttpStatusCode.Created, retried.Status);
    }

    [Fact]
    public async Task CreateSwapExample_WithARealDomainId_IsAccepted()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = await CompletedOrderAsync(partner);
        var example = File.ReadAllText(
                Path.Combine(Peeker.Tests.Support.RepoPaths.Root, "docs", "examples", "partner-api", "create-swap.json")
            )
            .Replace("dom_01JDX0SWAPEXAMPLE0000000000", order.GoogleId, StringComparison.Ordinal);

        var response = await partner.Test.PostRawAsync("/partner/v1/swaps", example);

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal("acme-fresh.com", response.Data.GetProperty("replacement_domain").GetString());
    }

    [Fact]
    public async Task AdminPartners_PlanTier_DefaultsToBase_PatchValidatesIt()
    {
        var partner = await fixture.NewPartnerAsync();

        var read = await fixture.Admin().GetAsync($"/admin/v1/partners/{partner.Id}");
        var bad = await fixture.Admin().PatchAsync($"/admin/v1/partners/{partner.Id}", new { plan_tier = "gold" });
        var missing = await fixture.Admin().PatchAsync("/admin/v1/partners/org_01JAAAAAAAAAAAAAAAAAAAAAAA", new { plan_tier = "vip" });
        var created = await fixture.Admin().PostAsync("/admin/v1/partners", new { name = "Tiered", plan_tier = "vip_plus" });

        Assert.Equal("base", read.Data.GetProperty("plan_tier").GetString());
        Assert.Equal("plan_tier", bad.Error.GetProperty("field").GetString());
        Assert.Equal(HttpStatusCode.NotFound, missing.Status);
        Assert.Equal("vip_plus", created.Data.GetProperty("plan_tier").GetString());
    }

    private async Task AssertNothingStoredAsync(TestPartner partner)
    {
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/swaps")).Data.EnumerateArray());
        Assert.DoesNotContain(fixture.Workflows.Swaps, s => s.PartnerId == partner.Id);
    }

    private sealed record CompletedOrder(
        string OrderId,
        string GoogleId,
        string GoogleName,
        IReadOnlyList<string> MicrosoftIds,
        IReadOnlyList<string> MicrosoftNames
    );

    /// <summary>An order placed over HTTP, then marked completed with connected, active domains (3 inboxes per Microsoft domain, 2 per Google one).</summary>
    private async Task<CompletedOrder> CompletedOrderAsync(TestPartner partner, int microsoft = 1)
    {
        var placed = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder($"swap-{Guid.NewGuid():N}@example.com", 2, microsoft, 2, Domains(microsoft + 1)).ToJsonString()
        );
        Assert.Equal(HttpStatusCode.OK, placed.Status);
        var orderId = placed.Data.GetProperty("id").GetString()!;
        var order = await fixture
            .Service<OrderStore>()
            .UpdateAsync(
                PeekerEnvironment.Test,
                orderId,
                o =>
                    o with
                    {
                        Status = OrderStatus.Completed,
                        Domains =
                        [
                            .. o.Domains.Select(d =>
                                d with
                                {
                                    Status = "connected",
                                    Inboxes = [.. Enumerable.Range(0, d.Provider == "microsoft" ? 3 : 2).Select(i => $"in{i}@{d.Domain}")],
                                }
                            ),
                        ],
                    },
                default
            );
        foreach (var d in order!.Domains)
        {
            Assert.True(await fixture.Service<DomainStore>().MarkActiveAsync(PeekerEnvironment.Test, partner.Id, d.Id, orderId, default));
        }

        var google = order.Domains.Single(d => d.Provider == "google");
        var ms = order.Domains.Where(d => d.Provider == "microsoft").ToList();
        return new CompletedOrder(orderId, google.Id, google.Domain, [.. ms.Select(d => d.Id)], [.. ms.Select(d => d.Domain)]);
    }

    private async Task<Swap> SeedAsync(string partnerId, string orderId)
    {
        var now = fixture.Time.GetUtcNow();
        fixture.Time.Advance(TimeSpan.FromMilliseconds(5));
        var row = new Swap(
            Ids.New("swp", now),
            partnerId,
            SwapType.Standard,
            Ids.New("dom", now),
            "acme-mail.com",
            "acme-fresh.com",
            orderId,
            "usr_1",
            SwapStatus.Created,
            null,
            now,
            now,
            null
        );
        await fixture.Service<SwapStore>().CreateAsync(PeekerEnvironment.Test, row, default);
        return row;
    }
}
