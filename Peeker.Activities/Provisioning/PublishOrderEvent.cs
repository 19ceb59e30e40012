using System.Text.Json;
using System.Text.Json.Nodes;
using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record PublishOrderEventInput(OrderRef Order, string Type, string? FailedStep, string? Reason);

public sealed record PublishOrderEventResult(string EventId, string Status);

/// <summary>
/// Moves the order to the status an order event implies (<c>order.completed</c> → completed, <c>order.failed</c> →
/// failed) and publishes the event with the full order as data.
/// </summary>
/// <remarks>
/// Idempotent: the status write is absolute and the event id derives from this invocation. An order whose
/// cancellation was accepted meanwhile keeps <c>cancel_scheduled</c>/<c>cancelled</c>.
/// </remarks>
public sealed class PublishOrderEvent(OrderStore orders, IWebhookPublisher webhooks) : TaskActivity<PublishOrderEventInput, PublishOrderEventResult>
{
    public override async Task<PublishOrderEventResult> RunAsync(TaskActivityContext context, PublishOrderEventInput input)
    {
        var ct = context.CancellationToken;
        var status = input.Type switch
        {
            "order.completed" => OrderStatus.Completed,
            "order.failed" => OrderStatus.Failed,
            _ => OrderStatus.InProgress,
        };
        var order = (status == OrderStatus.InProgress
            ? await orders.GetByIdAsync(input.Order.Environment, input.Order.OrderId, ct)
            : await orders.UpdateAsync(input.Order.Environment, input.Order.OrderId, o => OrderStatus.IsCancelling(o.Status) ? o : o with { Status = status }, ct))
            ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        // data = the order itself (as GET /orders/{id} shows it); a failure adds what failed and where.
        var data = JsonSerializer.SerializeToNode(OrderView.Of(order), WebhookPublisher.PayloadJson)!.AsObject();
        if (input.Type == "order.failed")
        {
            data["failure"] = new JsonObject { ["step"] = input.FailedStep, ["reason"] = input.Reason };
        }

        var eventId = await webhooks.PublishAsync(input.Order.Environment, order.PartnerId, input.Type, data, order.Id, context.IdempotencyKey, ct);
        return new PublishOrderEventResult(eventId, order.Status);
    }
}
