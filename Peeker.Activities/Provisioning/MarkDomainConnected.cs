using Microsoft.DurableTask;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Provisioning;

public sealed record MarkDomainConnectedInput(
    OrderRef Order,
    string DomainId,
    string Domain,
    MailProvider Provider,
    string? ForwardingUrl,
    IReadOnlyList<string> Inboxes
);

public sealed record MarkDomainConnectedResult(string Domain, string EventId);

/// <summary>
/// Marks the order's domain connected (with its inbox addresses), its domain row <c>active</c>, publishes
/// <c>domain.connected</c> and, for an imported domain, starts its nameserver watch (through <c>workflows</c>; unit
/// tests without an engine leave it out).
/// </summary>
/// <remarks>
/// Idempotent: the status writes are absolute and the event id derives from the order and the domain, so a retried or
/// redelivered call publishes once.
/// A domain whose cancellation was accepted meanwhile keeps its cancellation status, on the order and on its row.
/// </remarks>
public sealed class MarkDomainConnected(
    OrderStore orders,
    DomainStore domains,
    IWebhookPublisher webhooks,
    IOrderWorkflows? workflows = null
) : TaskActivity<MarkDomainConnectedInput, MarkDomainConnectedResult>
{
    private static bool IsImported(OrderDomain domain) =>
        !string.Equals(domain.Source, "registered", StringComparison.OrdinalIgnoreCase)
        && !string.Equals(domain.Source, "purchase", StringComparison.OrdinalIgnoreCase);

    public override async Task<MarkDomainConnectedResult> RunAsync(TaskActivityContext context, MarkDomainConnectedInput input)
    {
        var ct = CancellationToken.None;
        var order = await orders.UpdateAsync(
            input.Order.Environment,
            input.Order.OrderId,
            o =>
                o with
                {
                    Domains =
                    [
                        .. o.Domains.Select(d =>
                            d.Id != input.DomainId
                                ? d
                                : d with
                                {
                                    Status = OrderStatus.IsCancelling(d.Status) ? d.Status : "connected",
                                    Inboxes = input.Inboxes,
                                }
                        ),
                    ],
                },
            ct
        );
        await domains.MarkActiveAsync(input.Order.Environment, input.Order.PartnerId, input.DomainId, input.Order.OrderId, ct);
        var data = new DomainConnectedData(
            input.DomainId,
            input.Domain,
            input.Order.OrderId,
            input.Provider.ToString().ToLowerInvariant(),
            input.ForwardingUrl,
            "connected",
            input.Inboxes
        );
        // The business identity of the event: one domain.connected per domain of the order.
        var key = $"{input.Order.OrderId}:{input.Domain}:domain.connected";
        var eventId = await webhooks.PublishAsync(
            input.Order.Environment,
            input.Order.PartnerId,
            "domain.connected",
            data,
            input.Order.OrderId,
            key,
            ct
        );
        if (
            workflows is not null
            && order?.Domains.FirstOrDefault(d => d.Id == input.DomainId) is { Status: "connected" } connected
            && IsImported(connected)
        )
        {
            // Nameservers the customer controls can revert: watch them (one watch per order and domain).
            await workflows.StartNameserverWatchAsync(
                input.Order.Environment,
                input.Order.PartnerId,
                input.Order.OrderId,
                input.DomainId,
                ct
            );
        }

        return new MarkDomainConnectedResult(input.Domain, eventId);
    }
}

/// <summary>Typed call of <see cref="MarkDomainConnected"/> from an orchestration.</summary>
public static class MarkDomainConnectedExtensions
{
    /// <summary>Schedules <see cref="MarkDomainConnected"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<MarkDomainConnectedResult> MarkDomainConnectedAsync(
        this TaskOrchestrationContext context,
        MarkDomainConnectedInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<MarkDomainConnectedResult>(nameof(MarkDomainConnected), input, options);
}

/// <summary>The <c>domain.connected</c> payload: the domain resource with its inboxes.</summary>
public sealed record DomainConnectedData(
    string Id,
    string Domain,
    string OrderId,
    string Provider,
    string? ForwardingUrl,
    string Status,
    IReadOnlyList<string> Inboxes
);
