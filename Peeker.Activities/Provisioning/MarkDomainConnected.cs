using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record MarkDomainConnectedInput(OrderRef Order, string DomainId, string Domain, MailProvider Provider, string? ForwardingUrl, IReadOnlyList<string> Inboxes);

public sealed record MarkDomainConnectedResult(string Domain, string EventId);

/// <summary>Marks the order's domain connected (with its inbox addresses) and publishes <c>domain.connected</c>.</summary>
/// <remarks>
/// Idempotent: the status write is absolute and the event id derives from this invocation, so a rerun publishes once.
/// A domain whose cancellation was accepted meanwhile keeps its cancellation status.
/// </remarks>
public sealed class MarkDomainConnected(OrderStore orders, IWebhookPublisher webhooks) : TaskActivity<MarkDomainConnectedInput, MarkDomainConnectedResult>
{
    public override async Task<MarkDomainConnectedResult> RunAsync(TaskActivityContext context, MarkDomainConnectedInput input)
    {
        var ct = context.CancellationToken;
        await orders.UpdateAsync(input.Order.Environment, input.Order.OrderId, o => o with
        {
            Domains = [.. o.Domains.Select(d => d.Id != input.DomainId ? d
                : d with { Status = OrderStatus.IsCancelling(d.Status) ? d.Status : "connected", Inboxes = input.Inboxes })],
        }, ct);
        var data = new DomainConnectedData(input.DomainId, input.Domain, input.Order.OrderId, input.Provider.ToString().ToLowerInvariant(), input.ForwardingUrl, "connected", input.Inboxes);
        var eventId = await webhooks.PublishAsync(input.Order.Environment, input.Order.PartnerId, "domain.connected", data, input.Order.OrderId, context.IdempotencyKey, ct);
        return new MarkDomainConnectedResult(input.Domain, eventId);
    }
}

/// <summary>The <c>domain.connected</c> payload: the domain resource with its inboxes.</summary>
public sealed record DomainConnectedData(string Id, string Domain, string OrderId, string Provider, string? ForwardingUrl, string Status, IReadOnlyList<string> Inboxes);
