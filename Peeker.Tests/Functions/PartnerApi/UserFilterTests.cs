using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>A user filter naming an email no user has matches nothing (it is not dropped, which would match everything).</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class UserFilterTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Lists_EmailOfNoUser_AnswerEmptyPagesWhileTheOwnersRowsExist()
    {
        var partner = await fixture.NewPartnerAsync();
        var order = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("owner@example.com", 2, 1, 2, Domains(2)).ToJsonString())
        ).Data;
        var id = order.GetProperty("id").GetString()!;
        await fixture
            .Service<PendingActionStore>()
            .AddAsync(
                PeekerEnvironment.Test,
                partner.Id,
                new PendingAction(
                    "act_01JDUSERF1LTER000000000000",
                    id,
                    order.GetProperty("user_id").GetString(),
                    "google_profile_picture",
                    "profile_picture_not_accessible",
                    "open",
                    null,
                    null,
                    new Persona("Sam", "Lee", null),
                    "The profile picture URL is not publicly reachable.",
                    fixture.Time.GetUtcNow()
                ),
                default
            );

        var orders = await partner.Test.GetAsync("/partner/v1/orders?user_email=nobody@example.com");
        var domains = await partner.Test.GetAsync("/partner/v1/domains?user_email=nobody@example.com");
        var actions = await partner.Test.GetAsync("/partner/v1/orders/pending?user=nobody@example.com");
        var ownersActions = await partner.Test.GetAsync("/partner/v1/orders/pending?user=owner@example.com");

        Assert.Empty(orders.Data.EnumerateArray());
        Assert.Empty(domains.Data.EnumerateArray());
        Assert.Empty(actions.Data.EnumerateArray());
        Assert.Single(ownersActions.Data.EnumerateArray());
        Assert.Single((await partner.Test.GetAsync("/partner/v1/orders?user_email=owner@example.com")).Data.EnumerateArray());
        Assert.Equal(2, (await partner.Test.GetAsync("/partner/v1/domains?user_email=owner@example.com")).Data.GetArrayLength());
    }

    [Theory]
    [InlineData("/partner/v1/orders?user_email=nobody@example.com&status=bogus", "status")]
    [InlineData("/partner/v1/domains?user_email=nobody@example.com&category=bogus", "category")]
    [InlineData("/partner/v1/orders/pending?user=nobody@example.com&status=bogus", "status")]
    public async Task Lists_EmailOfNoUserWithABadFilter_Are400NamingTheFilter(string path, string field)
    {
        var partner = await fixture.NewPartnerAsync();

        var response = await partner.Test.GetAsync(path);

        Assert.Equal((System.Net.HttpStatusCode.BadRequest, "invalid_request"), (response.Status, response.ErrorCode));
        Assert.Equal(field, response.Error.GetProperty("field").GetString());
    }
}
