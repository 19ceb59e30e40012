using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Activities;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// <c>POST /orders/pending/{id}/resolve</c> over HTTP (the engine is <see cref="RecordingWorkflows"/>: what the route asks
/// of the re-check loop is recorded), and the domain row lifecycle as <c>GET /domains</c> shows it.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class PendingActionResolveTests(PartnerApiFixture fixture)
{
    private const string NewPicture = "https://cdn.acme.example/sam-new.png";

    [Fact]
    public async Task Resolve_OpenAction_StoresTheFixOnTheRowAndPersonaAndAsksTheLoopToRetry()
    {
        var (partner, orderId, actionId) = await OrderWithActionAsync(PendingActionStatus.Open);

        var response = await partner.Test.PostAsync(
            $"/partner/v1/orders/pending/{actionId}/resolve",
            new { profile_picture_url = NewPicture }
        );

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal(actionId, response.Data.GetProperty("id").GetString());
        Assert.Equal("open", response.Data.GetProperty("status").GetString());
        Assert.Equal(NewPicture, response.Data.GetProperty("user").GetProperty("profile_picture_url").GetString());
        Assert.False(response.Data.TryGetProperty("email", out _));
        var listed = Assert.Single((await partner.Test.GetAsync($"/partner/v1/orders/pending?order_id={orderId}")).Data.EnumerateArray());
        Assert.Equal(NewPicture, listed.GetProperty("user").GetProperty("profile_picture_url").GetString());
        var personas = (await partner.Test.GetAsync($"/partner/v1/orders/{orderId}")).Data.GetProperty("personas");
        Assert.Equal(NewPicture, personas[0].GetProperty("profile_picture_url").GetString());
        Assert.Contains(fixture.Workflows.ActionFixes, f => f == (PeekerEnvironment.Test, partner.Id, actionId));
    }

    [Fact]
    public async Task Resolve_UnknownOrOtherPartnersAction_Is404()
    {
        var (_, _, actionId) = await OrderWithActionAsync(PendingActionStatus.Open);
        var other = await fixture.NewPartnerAsync("Other");

        var foreign = await other.Test.PostAsync(
            $"/partner/v1/orders/pending/{actionId}/resolve",
            new { profile_picture_url = NewPicture }
        );
        var unknown = await other.Test.PostAsync(
            "/partner/v1/orders/pending/act_01JDNOSUCHACTION0000000000/resolve",
            new { profile_picture_url = NewPicture }
        );

        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (foreign.Status, foreign.ErrorCode));
        Assert.Equal((HttpStatusCode.NotFound, "not_found"), (unknown.Status, unknown.ErrorCode));
        Assert.DoesNotContain(fixture.Workflows.ActionFixes, f => f.ActionId == actionId);
    }

    [Fact]
    public async Task Resolve_AlreadyResolved_Is409AndChangesNothing()
    {
        var (partner, orderId, actionId) = await OrderWithActionAsync(PendingActionStatus.Resolved);

        var response = await partner.Test.PostAsync(
            $"/partner/v1/orders/pending/{actionId}/resolve",
            new { profile_picture_url = NewPicture }
        );

        Assert.Equal((HttpStatusCode.Conflict, "action_already_resolved"), (response.Status, response.ErrorCode));
        Assert.Equal("resolved", response.Error.GetProperty("details").GetProperty("status").GetString());
        var row = Assert.Single(
            (await partner.Test.GetAsync($"/partner/v1/orders/pending?order_id={orderId}&status=resolved")).Data.EnumerateArray()
        );
        Assert.Equal("https://cdn.acme.example/private/sam.png", row.GetProperty("user").GetProperty("profile_picture_url").GetString());
        Assert.DoesNotContain(fixture.Workflows.ActionFixes, f => f.ActionId == actionId);
    }

    [Fact]
    public async Task Resolve_DomainNameserversActionWithoutABody_AsksTheLoopToRecheckAndStoresNothing()
    {
        var (partner, orderId, actionId) = await OrderWithActionAsync(
            PendingActionStatus.Open,
            PendingActionResolution.DomainNameserversActionType
        );

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/pending/{actionId}/resolve", "");

        Assert.Equal(HttpStatusCode.Accepted, response.Status);
        Assert.Equal("open", response.Data.GetProperty("status").GetString());
        Assert.Contains(fixture.Workflows.ActionFixes, f => f == (PeekerEnvironment.Test, partner.Id, actionId));
        var row = Assert.Single((await partner.Test.GetAsync($"/partner/v1/orders/pending?order_id={orderId}")).Data.EnumerateArray());
        Assert.Equal("https://cdn.acme.example/private/sam.png", row.GetProperty("user").GetProperty("profile_picture_url").GetString());
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"profile_picture_url":null}""")]
    [InlineData("""{"profile_picture_url":""}""")]
    [InlineData("""{"profile_picture_url":"not a url"}""")]
    [InlineData("""{"profile_picture_url":"http://cdn.acme.example/sam.png"}""")]
    [InlineData("""{"profile_picture_url":"https://user:pw@cdn.acme.example/sam.png"}""")]
    [InlineData("""{"profile_picture_url":42}""")]
    public async Task Resolve_BadPictureUrl_Is400NamingTheFieldAndStoresNothing(string body)
    {
        var (partner, orderId, actionId) = await OrderWithActionAsync(PendingActionStatus.Open);

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/pending/{actionId}/resolve", body);

        Assert.Equal((HttpStatusCode.BadRequest, "invalid_request"), (response.Status, response.ErrorCode));
        Assert.Equal("profile_picture_url", response.Error.GetProperty("field").GetString());
        var row = Assert.Single((await partner.Test.GetAsync($"/partner/v1/orders/pending?order_id={orderId}")).Data.EnumerateArray());
        Assert.Equal("https://cdn.acme.example/private/sam.png", row.GetProperty("user").GetProperty("profile_picture_url").GetString());
        Assert.DoesNotContain(fixture.Workflows.ActionFixes, f => f.ActionId == actionId);
    }

    [Fact]
    public async Task Domains_StatusFollowsTheOrder_ProvisioningActiveCancelScheduledThenBackInTheInventory()
    {
        var partner = await fixture.NewPartnerAsync();
        var names = Domains(2);
        var orderId = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("lifecycle@example.com", 4, 0, 2, names).ToJsonString())
        )
            .Data.GetProperty("id")
            .GetString()!;
        var order = (await fixture.Service<OrderStore>().GetByIdAsync(PeekerEnvironment.Test, orderId, default))!;
        var orderRef = new OrderRef(orderId, PeekerEnvironment.Test, partner.Id);
        var provisioning = await StatusesAsync(partner);

        await new MarkDomainConnected(
            fixture.Service<OrderStore>(),
            fixture.Service<DomainStore>(),
            fixture.Service<IWebhookPublisher>()
        ).RunAsync(
            new TestActivityContext(nameof(MarkDomainConnected), orderId),
            new MarkDomainConnectedInput(
                orderRef,
                order.Domains[0].Id,
                order.Domains[0].Domain,
                MailProvider.Google,
                null,
                [$"sam@{order.Domains[0].Domain}"]
            )
        );
        var oneActive = await StatusesAsync(partner);
        Assert.Equal(HttpStatusCode.OK, (await partner.Test.PostRawAsync($"/partner/v1/orders/{orderId}/cancel", "")).Status);
        var scheduled = await StatusesAsync(partner);
        var scheduledFilter = (await partner.Test.GetAsync("/partner/v1/domains?status=cancel_scheduled")).Data.GetArrayLength();
        await new ReleaseDomains(fixture.Service<OrderStore>(), fixture.Service<DomainStore>()).RunAsync(
            new TestActivityContext(nameof(ReleaseDomains), orderId),
            new ReleaseDomainsInput(orderRef, [.. order.Domains.Select(d => d.Id)])
        );
        var rows = (await partner.Test.GetAsync("/partner/v1/domains")).Data.EnumerateArray().ToList();

        Assert.Equal(["provisioning", "provisioning"], provisioning.Values);
        Assert.Equal("active", oneActive[order.Domains[0].Domain]);
        Assert.Equal("provisioning", oneActive[order.Domains[1].Domain]);
        Assert.Equal(["cancel_scheduled", "cancel_scheduled"], scheduled.Values);
        Assert.Equal(2, scheduledFilter);
        Assert.Equal(2, rows.Count);
        Assert.All(
            rows,
            r =>
            {
                Assert.Equal(("available", "inventory"), (r.GetProperty("status").GetString(), r.GetProperty("category").GetString()));
                Assert.False(r.TryGetProperty("order_id", out _), r.ToString());
                Assert.False(r.TryGetProperty("user_id", out _), r.ToString());
            }
        );
        Assert.Equal("cancelled", (await partner.Test.GetAsync($"/partner/v1/orders/{orderId}")).Data.GetProperty("status").GetString());
    }

    /// <summary>The domain statuses by name, over <c>GET /domains</c> (each filtered by its own status, so the filter is exercised too).</summary>
    private static async Task<SortedDictionary<string, string>> StatusesAsync(TestPartner partner)
    {
        var result = new SortedDictionary<string, string>(StringComparer.Ordinal);
        foreach (var row in (await partner.Test.GetAsync("/partner/v1/domains")).Data.EnumerateArray())
        {
            var status = row.GetProperty("status").GetString()!;
            var filtered = (await partner.Test.GetAsync($"/partner/v1/domains?status={status}")).Data.EnumerateArray();
            Assert.Contains(filtered, f => f.GetProperty("id").GetString() == row.GetProperty("id").GetString());
            result[row.GetProperty("domain").GetString()!] = status;
        }

        return result;
    }

    private async Task<(TestPartner Partner, string OrderId, string ActionId)> OrderWithActionAsync(
        string status,
        string type = OpenPendingAction.ActionType
    )
    {
        var partner = await fixture.NewPartnerAsync();
        var order = (
            await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("resolve@example.com", 2, 0, 2, Domains(1)).ToJsonString())
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
                    type,
                    CreateInbox.PictureNotAccessible,
                    status,
                    domain.GetProperty("id").GetString(),
                    name,
                    new Persona("Sam", "Lee", "https://cdn.acme.example/private/sam.png"),
                    "The profile picture is not publicly accessible.",
                    fixture.Time.GetUtcNow(),
                    Email: $"sam@{name}"
                ),
                default
            );
        return (partner, orderId, actionId);
    }
}
