using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Provisioning;

public sealed record OpenPendingActionInput(OrderRef Order, string DomainId, string Domain, string Email, string Reason);

public sealed record OpenPendingActionResult(string PendingActionId);

/// <summary>
/// Opens a pending action the partner must fix (e.g. a profile picture Google cannot fetch): stores the <c>act_</c> row,
/// puts the order in <c>action_required</c> (<see cref="Order.WithOpenAction"/>), publishes <c>order.action_required</c>
/// and starts the action's re-check loop (<see cref="IOrderWorkflows.StartPendingActionCheckAsync"/>).
/// </summary>
/// <remarks>
/// Idempotent: the action id derives from the order, domain, mailbox and problem, and the event id from the action, so a
/// retried or redelivered call finds the same row (a resolved row stays resolved), publishes once and starts one loop.
/// </remarks>
public sealed class OpenPendingAction(
    OrderStore orders,
    PendingActionStore actions,
    IWebhookPublisher webhooks,
    IOrderWorkflows workflows,
    TimeProvider time
) : TaskActivity<OpenPendingActionInput, OpenPendingActionResult>
{
    /// <summary>The kind of pending action this activity opens.</summary>
    public const string ActionType = "google_profile_picture";

    /// <summary>The action id of a problem: <c>act_</c> and a ULID-shaped digest of its business identity.</summary>
    public static string ActionId(string orderId, string domain, string email, string reason) =>
        "act_" + new Ulid(SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId}:{domain}:{email}:{ActionType}:{reason}")).AsSpan(0, 16));

    public override async Task<OpenPendingActionResult> RunAsync(TaskActivityContext context, OpenPendingActionInput input)
    {
        var ct = CancellationToken.None;
        var env = input.Order.Environment;
        var order =
            await orders.GetByIdAsync(env, input.Order.OrderId, ct)
            ?? throw new InvalidOperationException($"Order {input.Order.OrderId} does not exist.");
        var local = input.Email.Split('@')[0];
        var persona = order.Personas.FirstOrDefault(p => local.StartsWith(InboxNaming.Ascii(p.FirstName), StringComparison.Ordinal));
        // The business identity of the action: the order, the domain, the mailbox and the problem.
        var id = ActionId(input.Order.OrderId, input.Domain, input.Email, input.Reason);
        var action = await actions.AddAsync(
            env,
            order.PartnerId,
            new PendingAction(
                id,
                order.Id,
                order.UserId,
                ActionType,
                input.Reason,
                PendingActionStatus.Open,
                input.DomainId,
                input.Domain,
                persona,
                $"The profile picture for {input.Email} is not publicly accessible; the inbox was created without it.",
                time.GetUtcNow(),
                Email: input.Email
            ),
            ct
        );
        if (action.Status != PendingActionStatus.Open)
        {
            return new OpenPendingActionResult(id);
        }

        await orders.UpdateAsync(env, order.Id, o => o.WithOpenAction(id), ct);
        // The business identity of the event: one order.action_required per pending action.
        await webhooks.PublishAsync(
            env,
            order.PartnerId,
            "order.action_required",
            action,
            order.Id,
            $"{input.Order.OrderId}:{id}:order.action_required",
            ct
        );
        await workflows.StartPendingActionCheckAsync(env, order.PartnerId, id, ct);
        return new OpenPendingActionResult(id);
    }
}

/// <summary>Typed call of <see cref="OpenPendingAction"/> from an orchestration.</summary>
public static class OpenPendingActionExtensions
{
    /// <summary>Schedules <see cref="OpenPendingAction"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<OpenPendingActionResult> OpenPendingActionAsync(
        this TaskOrchestrationContext context,
        OpenPendingActionInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<OpenPendingActionResult>(nameof(OpenPendingAction), input, options);
}
