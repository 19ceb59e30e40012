using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Provisioning;

public sealed record OpenPendingActionInput(OrderRef Order, string DomainId, string Domain, string Email, string Reason);

public sealed record OpenPendingActionResult(string PendingActionId);

/// <summary>Opens a pending action the partner must fix (e.g. a profile picture Google cannot fetch) and publishes <c>order.action_required</c>.</summary>
/// <remarks>
/// Idempotent: the action id derives from the order, domain, mailbox and problem, and the event id from the action, so a
/// retried or redelivered call overwrites the same row and publishes once.
/// </remarks>
public sealed class OpenPendingAction(OrderStore orders, PendingActionStore actions, IWebhookPublisher webhooks, TimeProvider time)
    : TaskActivity<OpenPendingActionInput, OpenPendingActionResult>
{
    /// <summary>The kind of pending action this activity opens.</summary>
    public const string ActionType = "google_profile_picture";

    public override async Task<OpenPendingActionResult> RunAsync(TaskActivityContext context, OpenPendingActionInput input)
    {
        var ct = CancellationToken.None;
        var order = await orders.GetByIdAsync(input.Order.Environment, input.Order.OrderId, ct)
            ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        var local = input.Email.Split('@')[0];
        var persona = order.Personas.FirstOrDefault(p => local.StartsWith(InboxNaming.Ascii(p.FirstName), StringComparison.Ordinal));
        // The business identity of the action: the order, the domain, the mailbox and the problem.
        var actionKey = $"{input.Order.OrderId}:{input.Domain}:{input.Email}:{ActionType}:{input.Reason}";
        var id = "pa_" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(actionKey)))[..26];
        var action = new PendingAction(id, order.Id, order.UserId, ActionType, input.Reason, "open", input.DomainId, input.Domain, persona,
            $"The profile picture for {input.Email} is not publicly accessible; the inbox was created without it.", time.GetUtcNow());
        await actions.AddAsync(input.Order.Environment, order.PartnerId, action, ct);
        // The business identity of the event: one order.action_required per pending action.
        await webhooks.PublishAsync(input.Order.Environment, order.PartnerId, "order.action_required", action, order.Id, $"{input.Order.OrderId}:{id}:order.action_required", ct);
        return new OpenPendingActionResult(id);
    }
}

/// <summary>Typed call of <see cref="OpenPendingAction"/> from an orchestration.</summary>
public static class OpenPendingActionExtensions
{
    /// <summary>Schedules <see cref="OpenPendingAction"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<OpenPendingActionResult> OpenPendingActionAsync(this TaskOrchestrationContext context, OpenPendingActionInput input, TaskOptions? options = null) =>
        context.CallActivityAsync<OpenPendingActionResult>(nameof(OpenPendingAction), input, options);
}
