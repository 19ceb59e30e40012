using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Imports;

/// <summary>
/// The imported domain of an order to watch. <see cref="Generation"/> counts the reverts already resolved, so a domain
/// whose nameservers revert again after a fix gets a new action.
/// </summary>
public sealed record CheckDomainNameserversInput(OrderRef Order, string DomainId, int Generation);

/// <summary><see cref="Done"/>: the domain no longer needs watching; otherwise check again after <see cref="NextCheckIn"/>.</summary>
public sealed record CheckDomainNameserversResult(bool Done, int Generation, string? OpenActionId, TimeSpan NextCheckIn);

/// <summary>
/// Checks that a connected imported domain still delegates to our Cloudflare zone. When the zone is no longer active
/// (the customer's nameservers reverted: Cloudflare shows the zone <c>moved</c> or <c>pending</c>) it opens a
/// domain-level pending action (<c>domain_nameservers</c> / <c>nameservers_reverted</c>), puts the order in
/// <c>action_required</c>, publishes <c>domain.action_required</c> and starts the action's re-check loop, which resolves
/// it when the zone is active again (<see cref="CheckPendingAction"/>).
/// </summary>
/// <remarks>
/// Idempotent: the action id derives from the order, the domain and the generation, and the event id from the action, so
/// a retried call finds the same row and publishes once. While the action is open nothing more is done here; once it is
/// resolved the next revert is the next generation. Done when the order is cancelling, cancelled or failed, the domain
/// is not connected, or its zone is gone. Compensation: none (the row is data; cancellation ends the watch).
/// </remarks>
public sealed class CheckDomainNameservers(
    OrderStore orders,
    PendingActionStore actions,
    ICloudflareClientFactory cloudflare,
    IWebhookPublisher webhooks,
    IOrderWorkflows workflows,
    TimeProvider time,
    IOptions<ProvisioningOptions> options
) : TaskActivity<CheckDomainNameserversInput, CheckDomainNameserversResult>
{
    /// <summary>The kind of pending action this activity opens.</summary>
    public const string ActionType = Orders.PendingActionResolution.DomainNameserversActionType;

    /// <summary>Why: the domain's nameservers no longer point at its zone.</summary>
    public const string NameserversReverted = "nameservers_reverted";

    /// <summary>The action id of the <paramref name="generation"/>-th revert of a domain of an order.</summary>
    public static string ActionId(string orderId, string domainId, int generation) =>
        "act_"
        + new Ulid(
            SHA256.HashData(Encoding.UTF8.GetBytes($"{orderId}:{domainId}:{ActionType}:{NameserversReverted}:{generation}")).AsSpan(0, 16)
        );

    public override async Task<CheckDomainNameserversResult> RunAsync(TaskActivityContext context, CheckDomainNameserversInput input)
    {
        var ct = CancellationToken.None;
        var (env, interval) = (input.Order.Environment, options.Value.NameserverWatchInterval);
        var order = await orders.GetByIdAsync(env, input.Order.OrderId, ct);
        var domain = order?.Domains.FirstOrDefault(d => d.Id == input.DomainId);
        if (order is null || OrderStatus.IsCancelling(order.Status) || order.Status == OrderStatus.Failed || domain?.Status != "connected")
        {
            return new CheckDomainNameserversResult(true, input.Generation, null, interval);
        }

        var generation = input.Generation;
        var id = ActionId(order.Id, domain.Id, generation);
        var existing = await actions.GetAsync(env, order.PartnerId, id, ct);
        if (existing?.Status == PendingActionStatus.Open)
        {
            // Its re-check loop resolves it.
            return new CheckDomainNameserversResult(false, generation, id, interval);
        }

        if (existing is not null)
        {
            generation++;
            id = ActionId(order.Id, domain.Id, generation);
        }

        var zone = await cloudflare.Create(input.Order.Scope).FindZoneAsync(domain.Domain, ct);
        if (zone is null)
        {
            return new CheckDomainNameserversResult(true, generation, null, interval);
        }

        if (string.Equals(zone.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            return new CheckDomainNameserversResult(false, generation, null, interval);
        }

        var nameservers = string.Join(", ", zone.NameServers);
        var action = await actions.AddAsync(
            env,
            order.PartnerId,
            new PendingAction(
                id,
                order.Id,
                order.UserId,
                ActionType,
                NameserversReverted,
                PendingActionStatus.Open,
                domain.Id,
                domain.Domain,
                null,
                $"The nameservers of {domain.Domain} no longer point at Peeker; ask the customer to set them back to {nameservers}.",
                time.GetUtcNow()
            ),
            ct
        );
        if (action.Status == PendingActionStatus.Open)
        {
            await orders.UpdateAsync(env, order.Id, o => o.WithOpenAction(id), ct);
            var data = new DomainActionRequiredData(
                domain.Id,
                domain.Domain,
                order.Id,
                domain.Provider,
                OrderStatus.ActionRequired,
                NameserversReverted,
                zone.NameServers,
                id,
                action.Message
            );
            // The business identity of the event: one domain.action_required per pending action.
            await webhooks.PublishAsync(env, order.PartnerId, "domain.action_required", data, order.Id, $"{id}:domain.action_required", ct);
            await workflows.StartPendingActionCheckAsync(env, order.PartnerId, id, ct);
        }

        return new CheckDomainNameserversResult(false, generation, id, interval);
    }
}

/// <summary>
/// The <c>domain.action_required</c> payload: the domain resource (as in <c>domain.connected</c>) with the reason, the
/// nameservers the customer must set back and the pending action to follow in <c>GET /orders/pending</c>.
/// </summary>
public sealed record DomainActionRequiredData(
    string Id,
    string Domain,
    string OrderId,
    string Provider,
    string Status,
    string Reason,
    IReadOnlyList<string> Nameservers,
    string PendingActionId,
    string Message
);

/// <summary>Typed call of <see cref="CheckDomainNameservers"/> from an orchestration.</summary>
public static class CheckDomainNameserversExtensions
{
    /// <summary>Schedules <see cref="CheckDomainNameservers"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CheckDomainNameserversResult> CheckDomainNameserversAsync(
        this TaskOrchestrationContext context,
        CheckDomainNameserversInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CheckDomainNameserversResult>(nameof(CheckDomainNameservers), input, options);
}
