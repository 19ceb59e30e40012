using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// The event to publish. <see cref="DomainIds"/> names the domains of a partial cancellation (null for events about
/// the whole order): an order can have several partial cancellations, each with its own events.
/// </summary>
public sealed record PublishOrderEventInput(
    OrderRef Order,
    string Type,
    string? FailedStep,
    string? Reason,
    IReadOnlyList<string>? DomainIds = null
)
{
    /// <summary>The provisioning attempt the event belongs to: a retried order's events are new events, not replays of the first run's.</summary>
    public int Attempt { get; init; }
}

public sealed record PublishOrderEventResult(string EventId, string Status);

/// <summary>
/// Moves the order to the status an order event implies (<c>order.completed</c> → completed, <c>order.failed</c> →
/// failed; an order with an open pending action stays <c>action_required</c> and goes to that status once the actions
/// are resolved, see <see cref="Order.WithProvisioningStatus"/>) and publishes the event with the full order as data. A failure is recorded on the order as a catalogue code
/// (<see cref="OrderFailureCodes"/>); the internal reason (provider or engine text) is logged, never published. When the
/// order ends (completed, cancelled as a whole) its stored sequencer routing is deleted; a failed order keeps it
/// because <c>POST /orders/{id}/retry</c> may still register its inboxes.
/// </summary>
/// <remarks>
/// Idempotent: the status write is absolute and the event id derives from the event's business identity (order, type,
/// the provisioning attempt after a retry and, for a partial cancellation, its domains), so a retried or redelivered call publishes once. An order whose
/// cancellation was accepted meanwhile keeps <c>cancel_scheduled</c>/<c>cancelled</c>.
/// </remarks>
public sealed class PublishOrderEvent(
    OrderStore orders,
    IWebhookPublisher webhooks,
    ISequencerCredentialStore credentials,
    ILogger<PublishOrderEvent> logger
) : TaskActivity<PublishOrderEventInput, PublishOrderEventResult>
{
    public override async Task<PublishOrderEventResult> RunAsync(TaskActivityContext context, PublishOrderEventInput input)
    {
        var ct = CancellationToken.None;
        var status = input.Type switch
        {
            "order.completed" => OrderStatus.Completed,
            "order.failed" => OrderStatus.Failed,
            _ => OrderStatus.InProgress,
        };
        if (status == OrderStatus.Failed)
        {
            logger.LogWarning("Order {OrderId} failed at {Step}: {Reason}", input.Order.OrderId, input.FailedStep, input.Reason);
        }

        var order =
            (
                status == OrderStatus.InProgress
                    ? await orders.GetByIdAsync(input.Order.Environment, input.Order.OrderId, ct)
                    : await orders.UpdateAsync(
                        input.Order.Environment,
                        input.Order.OrderId,
                        o =>
                            OrderStatus.IsCancelling(o.Status)
                                ? o
                                : o.WithProvisioningStatus(status) with
                                {
                                    Failure =
                                        status == OrderStatus.Failed
                                            ? OrderFailureCodes.Of(input.FailedStep, input.Reason, o.Domains.Select(d => d.Domain))
                                            : o.Failure,
                                },
                        ct
                    )
            ) ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        // data = the order itself (as GET /orders/{id} shows it, with its failure code when it failed).
        var data = JsonSerializer.SerializeToNode(OrderView.Of(order), PeekerJson.Options)!.AsObject();

        // The business identity of the event: the order, the type and the domains a partial cancellation is about.
        var key = input.DomainIds is { } ids
            ? $"{input.Order.OrderId}:{input.Type}:{string.Join(',', ids.Order(StringComparer.Ordinal))}"
            : $"{input.Order.OrderId}:{input.Type}";
        if (input.Attempt > 0)
        {
            key += $":retry{input.Attempt}";
        }

        if (input.Type is "order.completed" || (input.Type == "order.cancelled" && input.DomainIds is null))
        {
            // The order has ended: its sequencer routing is no longer needed (deleting twice is harmless).
            await credentials.DeleteAsync(input.Order.Environment, input.Order.OrderId, ct);
        }

        var eventId = await webhooks.PublishAsync(input.Order.Environment, order.PartnerId, input.Type, data, order.Id, key, ct);
        if (input.DomainIds is null && input.Type is "order.in_progress" or "order.completed" or "order.failed")
        {
            PeekerMetrics.OrderReached(order.Status, input.Order.Environment);
        }

        return new PublishOrderEventResult(eventId, order.Status);
    }
}

/// <summary>Typed call of <see cref="PublishOrderEvent"/> from an orchestration.</summary>
public static class PublishOrderEventExtensions
{
    /// <summary>Schedules <see cref="PublishOrderEvent"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<PublishOrderEventResult> PublishOrderEventAsync(
        this TaskOrchestrationContext context,
        PublishOrderEventInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<PublishOrderEventResult>(nameof(PublishOrderEvent), input, options);
}
