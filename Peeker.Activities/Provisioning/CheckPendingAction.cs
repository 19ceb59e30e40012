using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Common;
using Peeker.Activities.Google;
using Peeker.Activities.Imports;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

/// <summary>The action to re-check (ids only).</summary>
public sealed record CheckPendingActionInput(PeekerEnvironment Environment, string PartnerId, string ActionId);

/// <summary>
/// <see cref="Done"/>: nothing more to check (resolved now or before, or the order no longer needs it);
/// otherwise check again after <see cref="NextCheckIn"/>.
/// </summary>
public sealed record CheckPendingActionResult(bool Done, bool Resolved, TimeSpan NextCheckIn);

/// <summary>
/// Retries the step a pending action blocked: for <c>google_profile_picture</c>, sets the row's (possibly
/// partner-corrected) picture on the mailbox; for <c>domain_nameservers</c>, asks Cloudflare to re-check the domain's zone
/// and succeeds once it is active again. On success the row becomes <c>resolved</c> and the order leaves
/// <c>action_required</c> once none of its actions is open (<see cref="Order.WithoutOpenAction"/>).
/// </summary>
/// <remarks>
/// Idempotent: setting a photo twice is harmless, the row and order writes are absolute and an already resolved row
/// is reported as done. An action of an order that is cancelling, cancelled or failed is no longer checked (its row
/// stays <c>open</c>). A picture that still cannot be used is data (not done), never a failure.
/// </remarks>
public sealed class CheckPendingAction(
    PendingActionStore actions,
    OrderStore orders,
    IGoogleWorkspaceClientFactory google,
    ICloudflareClientFactory cloudflare,
    IHttpClientFactory http,
    TimeProvider time,
    IOptions<ProvisioningOptions> options,
    ILogger<CheckPendingAction> logger
) : TaskActivity<CheckPendingActionInput, CheckPendingActionResult>
{
    public override async Task<CheckPendingActionResult> RunAsync(TaskActivityContext context, CheckPendingActionInput input)
    {
        var ct = CancellationToken.None;
        var interval = options.Value.PendingActionRecheckInterval;
        var action = await actions.GetAsync(input.Environment, input.PartnerId, input.ActionId, ct);
        if (action is null || action.Status != PendingActionStatus.Open)
        {
            return new CheckPendingActionResult(true, action is not null, interval);
        }

        var order = await orders.GetByIdAsync(input.Environment, action.OrderId, ct);
        if (order is null || OrderStatus.IsCancelling(order.Status) || order.Status == OrderStatus.Failed)
        {
            return new CheckPendingActionResult(true, false, interval);
        }

        if (action.Type == CheckDomainNameservers.ActionType)
        {
            return await CheckNameserversAsync(input, action, interval, ct);
        }

        if (action.Email is null)
        {
            return new CheckPendingActionResult(true, false, interval);
        }

        if (action.User?.ProfilePictureUrl is { Length: > 0 } url)
        {
            try
            {
                await CreateInbox.ApplyPictureAsync(
                    http,
                    google.Create(new ProviderScope(input.Environment, input.PartnerId)),
                    input.Environment,
                    action.Email,
                    url,
                    ct
                );
            }
            catch (Exception ex) when (CreateInbox.IsPictureProblem(ex) || ex is ProviderException)
            {
                logger.LogInformation(
                    "Pending action {ActionId}: the picture still cannot be applied ({Error})",
                    action.Id,
                    ex.GetType().Name
                );
                return new CheckPendingActionResult(false, false, interval);
            }
        }

        await ResolveAsync(actions, orders, input.Environment, input.PartnerId, action.Id, time.GetUtcNow(), ct);
        return new CheckPendingActionResult(true, true, interval);
    }

    /// <summary>A domain whose nameservers reverted: resolved once its zone is active again (after asking Cloudflare to re-check).</summary>
    private async Task<CheckPendingActionResult> CheckNameserversAsync(
        CheckPendingActionInput input,
        PendingAction action,
        TimeSpan interval,
        CancellationToken ct
    )
    {
        var client = cloudflare.Create(new ProviderScope(input.Environment, input.PartnerId));
        var zone = action.Domain is null ? null : await client.FindZoneAsync(action.Domain, ct);
        if (zone is null)
        {
            // The zone is gone (the domain was cancelled or swapped away): nothing left to fix.
            return new CheckPendingActionResult(true, false, interval);
        }

        if (!string.Equals(zone.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            await client.TriggerActivationCheckAsync(zone.Id, ct);
            zone = await client.GetZoneAsync(zone.Id, ct);
        }

        if (!string.Equals(zone?.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            logger.LogInformation(
                "Pending action {ActionId}: the zone of {Domain} is still {Status}",
                action.Id,
                action.Domain,
                zone?.Status
            );
            return new CheckPendingActionResult(false, false, interval);
        }

        await ResolveAsync(actions, orders, input.Environment, input.PartnerId, action.Id, time.GetUtcNow(), ct);
        return new CheckPendingActionResult(true, true, interval);
    }

    /// <summary>Marks the row resolved and takes it off its order (absolute writes, safe to repeat).</summary>
    public static async Task ResolveAsync(
        PendingActionStore actions,
        OrderStore orders,
        PeekerEnvironment env,
        string partnerId,
        string actionId,
        DateTimeOffset now,
        CancellationToken ct
    )
    {
        var resolved = await actions.UpdateAsync(
            env,
            partnerId,
            actionId,
            a => a.Status == PendingActionStatus.Resolved ? a : a with { Status = PendingActionStatus.Resolved, ResolvedAt = now },
            ct
        );
        if (resolved is not null)
        {
            await orders.UpdateAsync(env, resolved.OrderId, o => o.WithoutOpenAction(actionId), ct);
        }
    }
}

/// <summary>Typed call of <see cref="CheckPendingAction"/> from an orchestration.</summary>
public static class CheckPendingActionExtensions
{
    /// <summary>Schedules <see cref="CheckPendingAction"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CheckPendingActionResult> CheckPendingActionAsync(
        this TaskOrchestrationContext context,
        CheckPendingActionInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CheckPendingActionResult>(nameof(CheckPendingAction), input, options);
}
