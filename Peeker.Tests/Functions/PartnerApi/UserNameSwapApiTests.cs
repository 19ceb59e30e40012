using System.Net;
using System.Text.Json;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// <c>POST /swaps/user_names</c> over HTTP. The renames themselves run in the engine (UserNameSwapOrchestratorTests,
/// RenameInboxTests); here the start is recorded. Orders are placed over HTTP and marked completed in their stores.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class UserNameSwapApiTests(PartnerApiFixture fixture)
{
    private static readonly object[] Personas =
    [
        new
        {
            first_name = "Sam",
            last_name = "Lee",
            profile_picture_url = "",
        },
    ];

    [Fact]
    public async Task Post_ConnectedDomain_Returns201WithOneCreatedRowPerInboxAndStartsOnce()
    {
        var partner = await fixture.NewPartnerAsync();
        var (_, domainId, inboxes) = await CompletedDomainAsync(partner, "microsoft");

        var response = await partner.Test.PostAsync("/partner/v1/swaps/user_names", new { domain_id = domainId, personas = Personas });

        Assert.Equal(HttpStatusCode.Created, response.Status);
        var rows = response.Data.GetProperty("swaps").EnumerateArray().ToList();
        Assert.Equal(inboxes.Count, rows.Count);
        Assert.All(
            rows,
            r =>
            {
                Assert.StartsWith("swp_", r.GetProperty("id").GetString(), StringComparison.Ordinal);
                Assert.Equal("user_names", r.GetProperty("type").GetString());
                Assert.Equal(domainId, r.GetProperty("domain_id").GetString());
                Assert.Equal(JsonValueKind.Null, r.GetProperty("replacement_domain").ValueKind);
                Assert.Equal("created", r.GetProperty("status").GetString());
                Assert.True(r.TryGetProperty("created_at", out _));
            }
        );
        Assert.Equal(inboxes, rows.Select(r => r.GetProperty("inbox").GetString()));
        var started = Assert.Single(fixture.UserNameSwaps.Started, s => s.PartnerId == partner.Id);
        Assert.Equal(rows.Select(r => r.GetProperty("id").GetString()), started.SwapIds);
        Assert.Equal(inboxes.Count, (await partner.Test.GetAsync($"/partner/v1/swaps?domain_id={domainId}")).Data.GetArrayLength());
    }

    [Fact]
    public async Task Post_OlderUsersList_IsAcceptedLikePersonas()
    {
        var partner = await fixture.NewPartnerAsync();
        var (_, domainId, inboxes) = await CompletedDomainAsync(partner, "google");

        var response = await partner.Test.PostAsync(
            "/partner/v1/swaps/user_names",
            new { domain_id = domainId, users = new[] { new { first_name = "Sam", last_name = "Lee" } } }
        );

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(inboxes.Count, response.Data.GetProperty("swaps").GetArrayLength());
    }

    [Fact]
    public async Task Post_WhileAnotherSwapWorksOnTheDomain_Returns409DomainSwapInProgress()
    {
        var partner = await fixture.NewPartnerAsync();
        var (_, domainId, inboxes) = await CompletedDomainAsync(partner, "google");
        var first = await partner.Test.PostAsync("/partner/v1/swaps/user_names", new { domain_id = domainId, personas = Personas });

        var second = await partner.Test.PostAsync("/partner/v1/swaps/user_names", new { domain_id = domainId, personas = Personas });

        Assert.Equal(HttpStatusCode.Conflict, second.Status);
        Assert.Equal("domain_swap_in_progress", second.ErrorCode);
        Assert.Equal("domain_id", second.Error.GetProperty("field").GetString());
        Assert.Equal(
            first.Data.GetProperty("swaps")[0].GetProperty("id").GetString(),
            second.Error.GetProperty("details").GetProperty("swap_id").GetString()
        );
        Assert.Equal(inboxes.Count, (await partner.Test.GetAsync("/partner/v1/swaps")).Data.GetArrayLength());
    }

    [Fact]
    public async Task Post_DomainNotActive_Returns409DomainNotSwappableAndStoresNothing()
    {
        var partner = await fixture.NewPartnerAsync();
        var placed = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder($"rn-{Guid.NewGuid():N}@example.com", 2, 0, 2, Domains(1)).ToJsonString()
        );
        var domainId = placed.Data.GetProperty("id").GetString() is { } orderId
            ? (await fixture.Service<OrderStore>().GetByIdAsync(PeekerEnvironment.Test, orderId, default))!.Domains[0].Id
            : throw new InvalidOperationException();

        var response = await partner.Test.PostAsync("/partner/v1/swaps/user_names", new { domain_id = domainId, personas = Personas });

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("domain_not_swappable", response.ErrorCode);
        Assert.Equal("domain_id", response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Theory]
    [InlineData("""{"personas":[{"first_name":"Sam","last_name":"Lee","profile_picture_url":""}]}""", "invalid_request", "domain_id")]
    [InlineData("""{"domain_id":"DOMAIN","personas":[]}""", "invalid_request", "personas")]
    [InlineData(
        """{"domain_id":"DOMAIN","personas":[{"first_name":"Sam","last_name":"Lee"}]}""",
        "invalid_request",
        "personas[0].profile_picture_url"
    )]
    [InlineData(
        """{"domain_id":"DOMAIN","personas":[{"first_name":"Sam","profile_picture_url":null}]}""",
        "invalid_request",
        "personas[0].last_name"
    )]
    [InlineData(
        """{"domain_id":"DOMAIN","personas":[{"first_name":"Sam","last_name":"Lee","profile_picture_url":"ftp://x"}]}""",
        "invalid_request",
        "personas[0].profile_picture_url"
    )]
    [InlineData(
        """{"domain_id":"DOMAIN","personas":[{"first_name":"Sam","last_name":"Lee","profile_picture_url":""}],"users":[{"first_name":"A","last_name":"B"}]}""",
        "order_shape_conflict",
        "users"
    )]
    [InlineData(
        """{"domain_id":"dom_01NOSUCHDOMAIN0000000000000","personas":[{"first_name":"Sam","last_name":"Lee","profile_picture_url":""}]}""",
        "not_found",
        "domain_id"
    )]
    public async Task Post_BadInput_ReturnsEnvelopeWithFieldAndStoresNothing(string body, string code, string field)
    {
        var partner = await fixture.NewPartnerAsync();
        var (_, domainId, _) = await CompletedDomainAsync(partner, "google");

        var response = await partner.Test.PostRawAsync(
            "/partner/v1/swaps/user_names",
            body.Replace("DOMAIN", domainId, StringComparison.Ordinal)
        );

        Assert.Equal(code, response.ErrorCode);
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
        await AssertNothingStoredAsync(partner);
    }

    [Fact]
    public async Task Post_EngineUnavailable_Returns500AndFreesTheDomain()
    {
        var partner = await fixture.NewPartnerAsync();
        var (_, domainId, _) = await CompletedDomainAsync(partner, "google");
        fixture.UserNameSwaps.FailNextStart = true;

        var failed = await partner.Test.PostAsync("/partner/v1/swaps/user_names", new { domain_id = domainId, personas = Personas });
        var again = await partner.Test.PostAsync("/partner/v1/swaps/user_names", new { domain_id = domainId, personas = Personas });

        Assert.Equal(HttpStatusCode.InternalServerError, failed.Status);
        Assert.Equal(HttpStatusCode.Created, again.Status);
    }

    [Fact]
    public async Task Post_DocsExampleBody_IsAccepted()
    {
        var partner = await fixture.NewPartnerAsync();
        var (_, domainId, inboxes) = await CompletedDomainAsync(partner, "google");
        var example = File.ReadAllText(
            Path.Combine(Peeker.Tests.Support.RepoPaths.Root, "docs", "examples", "partner-api", "rename-inboxes.json")
        );
        Assert.Contains("dom_01JEXAMPLE0000000000000000", example, StringComparison.Ordinal);

        var response = await partner.Test.PostRawAsync(
            "/partner/v1/swaps/user_names",
            example.Replace("dom_01JEXAMPLE0000000000000000", domainId, StringComparison.Ordinal)
        );

        Assert.Equal(HttpStatusCode.Created, response.Status);
        Assert.Equal(inboxes.Count, response.Data.GetProperty("swaps").GetArrayLength());
    }

    private async Task AssertNothingStoredAsync(TestPartner partner)
    {
        Assert.Empty((await partner.Test.GetAsync("/partner/v1/swaps")).Data.EnumerateArray());
        Assert.DoesNotContain(fixture.UserNameSwaps.Started, s => s.PartnerId == partner.Id);
    }

    /// <summary>An order placed over HTTP, then marked completed with its one domain connected, active and holding inboxes.</summary>
    private async Task<(string OrderId, string DomainId, IReadOnlyList<string> Inboxes)> CompletedDomainAsync(
        TestPartner partner,
        string provider
    )
    {
        var (google, microsoft) = provider == "google" ? (2, 0) : (0, 1);
        var placed = await partner.Test.PostAsync(
            "/partner/v1/orders",
            CustomOrder($"rn-{Guid.NewGuid():N}@example.com", google, microsoft, 2, Domains(1)).ToJsonString()
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
                                    Inboxes = [.. Enumerable.Range(0, provider == "google" ? 2 : 3).Select(i => $"in{i}@{d.Domain}")],
                                }
                            ),
                        ],
                    },
                default
            );
        var domain = order!.Domains.Single();
        Assert.True(await fixture.Service<DomainStore>().MarkActiveAsync(PeekerEnvironment.Test, partner.Id, domain.Id, orderId, default));
        return (orderId, domain.Id, domain.Inboxes!);
    }
}
