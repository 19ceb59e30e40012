using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>
/// Input of <see cref="CancelOrderOrchestrator"/>: the order, the domain ids to cancel (null = all) and when.
/// <see cref="RemovesSequencerAccounts"/> is the version flag of the Smartlead step: instances started before it existed
/// have it false (their histories have no such step) and replay as recorded; new ones are started with it true.
/// </summary>
public sealed record CancelOrderInput(string OrderId, PeekerEnvironment Environment, IReadOnlyList<string>? DomainIds, DateTime CancelsAt)
{
    public bool RemovesSequencerAccounts { get; init; }
}

/// <summary>What a cancellation removed.</summary>
public sealed record CancelOrderResult(string OrderId, IReadOnlyList<string> Cancelled, bool WholeOrder);

/// <summary>
/// Cancels an order or some of its domains: publishes <c>order.cancel_scheduled</c> at once, waits on a durable timer
/// until <c>cancels_at</c> (the end of the paid period) and until provisioning is no longer running, then, per domain, deletes the Smartlead
/// accounts, the mailboxes and the Cloudflare zone (the mailboxes under their current addresses, renames included); then gives back the licences (Google subscriptions cancelled, the Microsoft subscription brought down to the
/// licences still in use), releases the domains back to the partner's inventory and publishes <c>order.cancelled</c>.
/// </summary>
/// <remarks>
/// The wait is a durable timer, so a restart during the month changes nothing. Domains are undone in batches of the
/// order's domain parallelism. Every step is idempotent (things already gone count as done; quantities and statuses
/// are written absolutely). Mailboxes go before licences: a Microsoft licence is only free once its user is deleted.
/// A step that fails after its retries fails the orchestration with the order left <c>cancel_scheduled</c>; ops can
/// rewind it once the cause is fixed.
/// </remarks>
public sealed class CancelOrderOrchestrator : TaskOrchestrator<CancelOrderInput, CancelOrderResult>
{
    public override async Task<CancelOrderResult> RunAsync(TaskOrchestrationContext context, CancelOrderInput input)
    {
        var plan = await context.LoadOrderPlanAsync(new LoadOrderPlanInput(input.OrderId, input.Environment), ProvisioningRetries.Storage);
        var order = new OrderRef(input.OrderId, input.Environment, plan.PartnerId);
        var domains = plan.Domains.Where(d => input.DomainIds is null || input.DomainIds.Contains(d.DomainId)).ToList();
        await context.PublishOrderEventAsync(
            new PublishOrderEventInput(order, "order.cancel_scheduled", null, null, input.DomainIds),
            ProvisioningRetries.Storage
        );

        if (input.CancelsAt > context.CurrentUtcDateTime)
        {
            await context.CreateTimer(input.CancelsAt, CancellationToken.None);
        }

        // Undo never races provisioning: wait until the order's ProvisionOrder is no longer running.
        await context.AwaitProvisioningAsync(new AwaitProvisioningInput(order), ProvisioningRetries.ProvisioningSettled);

        // The tenant is read again after the wait: provisioning may have created it after the cancellation was accepted.
        // So are the mailbox addresses: a user-name swap may have renamed mailboxes since.
        var now = await context.LoadOrderPlanAsync(new LoadOrderPlanInput(input.OrderId, input.Environment), ProvisioningRetries.Storage);
        var tenant = now.MicrosoftTenantId;
        foreach (var batch in domains.Chunk(Math.Max(1, plan.MaxParallelDomains)))
        {
            await Task.WhenAll(
                batch.Select(d =>
                    UndoDomainAsync(
                        context,
                        new DeleteInboxesInput(order, d, tenant, now.CurrentInboxes?.GetValueOrDefault(d.DomainId)),
                        input.RemovesSequencerAccounts
                    )
                )
            );
        }

        var googleDomains = domains.Where(d => d.Provider == MailProvider.Google).Select(d => d.Domain).ToList();
        var microsoftTenant = domains.Any(d => d.Provider == MailProvider.Microsoft) ? tenant : null;
        if (googleDomains.Count > 0 || microsoftTenant is not null)
        {
            await context.RevokeLicensesAsync(new RevokeLicensesInput(order, googleDomains, microsoftTenant), ProvisioningRetries.Provider);
        }

        var released = await context.ReleaseDomainsAsync(
            new ReleaseDomainsInput(order, [.. domains.Select(d => d.DomainId)]),
            ProvisioningRetries.Storage
        );
        await context.PublishOrderEventAsync(
            new PublishOrderEventInput(order, "order.cancelled", null, null, input.DomainIds),
            ProvisioningRetries.Storage
        );
        return new CancelOrderResult(input.OrderId, [.. domains.Select(d => d.Domain)], released.WholeOrder);
    }

    private static async Task UndoDomainAsync(TaskOrchestrationContext context, DeleteInboxesInput inboxes, bool removesSequencerAccounts)
    {
        if (removesSequencerAccounts)
        {
            await context.DeleteSequencerAccountsAsync(
                new DeleteSequencerAccountsInput(inboxes.Order, inboxes.Domain),
                ProvisioningRetries.Provider
            );
        }

        await context.DeleteInboxesAsync(inboxes, ProvisioningRetries.Provider);
        await context.DeleteZoneAsync(new DeleteZoneInput(inboxes.Order, inboxes.Domain.Domain), ProvisioningRetries.Provider);
    }
}
