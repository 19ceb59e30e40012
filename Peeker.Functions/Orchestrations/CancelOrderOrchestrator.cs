using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Durable;

namespace Peeker.Functions.Orchestrations;

/// <summary>Input of <see cref="CancelOrderOrchestrator"/>: the order, the domain ids to cancel (null = all) and when.</summary>
public sealed record CancelOrderInput(string OrderId, PeekerEnvironment Environment, IReadOnlyList<string>? DomainIds, DateTime CancelsAt);

/// <summary>What a cancellation removed.</summary>
public sealed record CancelOrderResult(string OrderId, IReadOnlyList<string> Cancelled, bool WholeOrder);

/// <summary>
/// Cancels an order or some of its domains: publishes <c>order.cancel_scheduled</c> at once, waits on a durable timer
/// until <c>cancels_at</c> (the end of the paid period), then removes the domains' Cloudflare zones, releases the
/// domains back to the partner's inventory and publishes <c>order.cancelled</c>.
/// </summary>
/// <remarks>
/// The wait is a durable timer, so a restart during the month changes nothing. Every step is idempotent (zones are
/// looked up by name before deletion; statuses are written absolutely). Mailbox and licence removal at the mail
/// providers is not automated yet: the inboxes stop being billed to the partner when the order is cancelled.
/// </remarks>
public sealed class CancelOrderOrchestrator : TaskOrchestrator<CancelOrderInput, CancelOrderResult>
{
    public override async Task<CancelOrderResult> RunAsync(TaskOrchestrationContext context, CancelOrderInput input)
    {
        var plan = await context.CallActivityAsync<LoadOrderPlanResult>(nameof(LoadOrderPlan), new LoadOrderPlanInput(input.OrderId, input.Environment), ProvisioningRetries.Storage);
        var order = new OrderRef(input.OrderId, input.Environment, plan.PartnerId);
        var domains = plan.Domains.Where(d => input.DomainIds is null || input.DomainIds.Contains(d.DomainId)).ToList();
        await context.CallActivityAsync<PublishOrderEventResult>(nameof(PublishOrderEvent), new PublishOrderEventInput(order, "order.cancel_scheduled", null, null), ProvisioningRetries.Storage);

        if (input.CancelsAt > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.CancelsAt, CancellationToken.None);
        }

        await Task.WhenAll(domains.Select(d => context.CallActivityAsync<DeleteZoneResult>(nameof(DeleteZone), new DeleteZoneInput(order, d.Domain), ProvisioningRetries.Provider)));
        var released = await context.CallActivityAsync<ReleaseDomainsResult>(
            nameof(ReleaseDomains), new ReleaseDomainsInput(order, [.. domains.Select(d => d.DomainId)]), ProvisioningRetries.Storage);
        await context.CallActivityAsync<PublishOrderEventResult>(nameof(PublishOrderEvent), new PublishOrderEventInput(order, "order.cancelled", null, null), ProvisioningRetries.Storage);
        return new CancelOrderResult(input.OrderId, [.. domains.Select(d => d.Domain)], released.WholeOrder);
    }
}
