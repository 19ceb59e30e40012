using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>
/// A failed order over HTTP: <c>POST /orders/{id}/retry</c> resumes it (409 <c>order_not_failed</c> for any other
/// status), and <c>POST /orders/{id}/cancel</c> cancels it at once instead of at the end of the period.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class FailedOrderTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Retry_FailedOrder_GoesBackInProgressClearsTheFailureAndStartsTheNextAttempt()
    {
        var (partner, id) = await FailedOrderAsync("retry@example.com");

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");
        var order = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data;

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("in_progress", response.Data.GetProperty("status").GetString());
        Assert.Equal("in_progress", order.GetProperty("status").GetString());
        Assert.Equal(System.Text.Json.JsonValueKind.Null, order.GetProperty("failure").ValueKind);
        Assert.Contains(fixture.Workflows.Retries, r => r.OrderId == id && r.Attempt == 1 && r.Env == PeekerEnvironment.Test);
    }

    [Fact]
    public async Task Retry_FailedOrderWithAnOpenAction_ActionRequiredUntilResolvedAndTheActionsCheckRestarts()
    {
        var (partner, id) = await FailedOrderAsync("retry-open@example.com");
        var actionId = await OpenActionAsync(partner, id);

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");
        var order = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data;
        var open = (await partner.Test.GetAsync($"/partner/v1/orders/pending?order_id={id}")).Data;
        await CheckPendingAction.ResolveAsync(
            fixture.Service<PendingActionStore>(),
            fixture.Service<OrderStore>(),
            PeekerEnvironment.Test,
            partner.Id,
            actionId,
            fixture.Time.GetUtcNow(),
            default
        );
        var resolved = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data;

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal("action_required", response.Data.GetProperty("status").GetString());
        Assert.Equal("action_required", order.GetProperty("status").GetString());
        Assert.Equal(actionId, Assert.Single(open.EnumerateArray()).GetProperty("id").GetString());
        Assert.Contains(fixture.Workflows.Retries, r => r.OrderId == id && r.Attempt == 1);
        Assert.Contains(fixture.Workflows.ActionFixes, a => a.ActionId == actionId && a.PartnerId == partner.Id);
        Assert.Equal("in_progress", resolved.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Retry_OrderThatIsNotFailed_Returns409OrderNotFailedAndStartsNothing()
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder("busy@example.com", 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");

        Assert.Equal(HttpStatusCode.Conflict, response.Status);
        Assert.Equal("order_not_failed", response.ErrorCode);
        Assert.Equal("in_progress", response.Error.GetProperty("details").GetProperty("status").GetString());
        Assert.DoesNotContain(fixture.Workflows.Retries, r => r.OrderId == id);
    }

    [Fact]
    public async Task Retry_Twice_SecondIs409WhileTheFirstAttemptRuns()
    {
        var (partner, id) = await FailedOrderAsync("twice@example.com");

        var first = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");
        var second = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");

        Assert.Equal(HttpStatusCode.OK, first.Status);
        Assert.Equal("order_not_failed", second.ErrorCode);
        Assert.Single(fixture.Workflows.Retries, r => r.OrderId == id);
    }

    [Fact]
    public async Task Retry_EngineRefusesTheStart_Returns500AndTheOrderStaysFailed()
    {
        var (partner, id) = await FailedOrderAsync("refused@example.com");
        fixture.Workflows.FailNextStart = true;

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");
        var order = (await partner.Test.GetAsync($"/partner/v1/orders/{id}")).Data;

        Assert.Equal(HttpStatusCode.InternalServerError, response.Status);
        Assert.Equal("internal_error", response.ErrorCode);
        Assert.Equal("failed", order.GetProperty("status").GetString());
        Assert.Equal("dns_not_active", order.GetProperty("failure").GetProperty("code").GetString());
        Assert.Equal(HttpStatusCode.OK, (await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "")).Status);
    }

    [Fact]
    public async Task Retry_UnknownOrAnotherPartnersOrder_Returns404_AndAReadKeyGets403()
    {
        var (owner, id) = await FailedOrderAsync("owner@example.com");
        var other = await fixture.NewPartnerAsync("Other");
        var read = fixture.Client(await fixture.NewKeyAsync(owner.Id, "read"));

        Assert.Equal("not_found", (await other.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "")).ErrorCode);
        Assert.Equal("not_found", (await owner.Test.PostRawAsync("/partner/v1/orders/ord_01JDNOSUCHORDER0000000000/retry", "")).ErrorCode);
        Assert.Equal("forbidden", (await read.PostRawAsync($"/partner/v1/orders/{id}/retry", "")).ErrorCode);
        Assert.Equal("failed", (await owner.Test.GetAsync($"/partner/v1/orders/{id}")).Data.GetProperty("status").GetString());
    }

    [Fact]
    public async Task Cancel_FailedOrder_CancelsAtOnceNotAtTheEndOfThePeriod()
    {
        var (partner, id) = await FailedOrderAsync("cancel-failed@example.com");

        var response = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/cancel", "");

        Assert.Equal(HttpStatusCode.OK, response.Status);
        Assert.Equal(
            response.Data.GetProperty("cancellation_scheduled_at").GetString(),
            response.Data.GetProperty("cancels_at").GetString()
        );
        Assert.Contains(
            fixture.Workflows.Cancellations,
            c => c.OrderId == id && c.Domains is null && c.CancelsAt <= fixture.Time.GetUtcNow()
        );
        var retry = await partner.Test.PostRawAsync($"/partner/v1/orders/{id}/retry", "");
        Assert.Equal("order_not_failed", retry.ErrorCode);
        Assert.Equal("cancel_scheduled", retry.Error.GetProperty("details").GetProperty("status").GetString());
    }

    /// <summary>Opens a pending action on the failed order the way provisioning does (the row, and its id on the order).</summary>
    private async Task<string> OpenActionAsync(TestPartner partner, string orderId)
    {
        var actionId = $"act_{Ulid.NewUlid()}";
        await fixture
            .Service<PendingActionStore>()
            .AddAsync(
                PeekerEnvironment.Test,
                partner.Id,
                new PendingAction(
                    actionId,
                    orderId,
                    null,
                    OpenPendingAction.ActionType,
                    CreateInbox.PictureNotAccessible,
                    PendingActionStatus.Open,
                    null,
                    null,
                    new Persona("Sam", "Lee", "https://cdn.example.com/sam.jpg"),
                    "The profile picture is not publicly accessible.",
                    fixture.Time.GetUtcNow()
                ),
                default
            );
        await fixture.Service<OrderStore>().UpdateAsync(PeekerEnvironment.Test, orderId, o => o.WithOpenAction(actionId), default);
        return actionId;
    }

    /// <summary>Places an order and marks it failed the way provisioning does (status and a catalogue failure).</summary>
    private async Task<(TestPartner Partner, string OrderId)> FailedOrderAsync(string user)
    {
        var partner = await fixture.NewPartnerAsync();
        var id = (await partner.Test.PostAsync("/partner/v1/orders", CustomOrder(user, 2, 1, 2, Domains(2)).ToJsonString()))
            .Data.GetProperty("id")
            .GetString()!;
        await fixture
            .Service<OrderStore>()
            .UpdateAsync(
                PeekerEnvironment.Test,
                id,
                o => o with { Status = OrderStatus.Failed, Failure = OrderFailureCodes.Of("zone_active", null, []) },
                default
            );
        return (partner, id);
    }
}
