using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record OpenPendingActionInput(OrderRef Order, string DomainId, string Domain, string Email, string Reason);

public sealed record OpenPendingActionResult(string PendingActionId);

/// <summary>Opens a pending action the partner must fix (e.g. a profile picture Google cannot fetch) and publishes <c>order.action_required</c>.</summary>
/// <remarks>Idempotent: the action id and event id derive from this invocation, so a rerun overwrites the same row and publishes once.</remarks>
public sealed class OpenPendingAction(OrderStore orders, PendingActionStore actions, IWebhookPublisher webhooks, TimeProvider time)
    : TaskActivity<OpenPendingActionInput, OpenPendingActionResult>
{
    public override async Task<OpenPendingActionResult> RunAsync(TaskActivityContext context, OpenPendingActionInput input)
    {
        var ct = context.CancellationToken;
        var order = await orders.GetByIdAsync(input.Order.Environment, input.Order.OrderId, ct)
            ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        var local = input.Email.Split('@')[0];
        var persona = order.Personas.FirstOrDefault(p => local.StartsWith(InboxNaming.Ascii(p.FirstName), StringComparison.Ordinal));
        var id = "pa_" + Convert.ToHexString(System.Security.Cryptography.SHA256.HashData(System.Text.Encoding.UTF8.GetBytes(context.IdempotencyKey)))[..26].ToLowerInvariant();
        var action = new PendingAction(id, order.Id, order.UserId, "google_profile_picture", input.Reason, "open", input.DomainId, input.Domain, persona,
            $"The profile picture for {input.Email} is not publicly accessible; the inbox was created without it.", time.GetUtcNow());
        await actions.AddAsync(input.Order.Environment, order.PartnerId, action, ct);
        await webhooks.PublishAsync(input.Order.Environment, order.PartnerId, "order.action_required", action, order.Id, context.IdempotencyKey, ct);
        return new OpenPendingActionResult(id);
    }
}
