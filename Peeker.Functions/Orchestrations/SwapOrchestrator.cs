using Microsoft.DurableTask;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;

namespace Peeker.Functions.Orchestrations;

/// <summary>Input of <see cref="SwapOrchestrator"/>: the swap row (ids only). <see cref="ReplacementWait"/> bounds the <c>action_required</c> wait.</summary>
public sealed record SwapInput(SwapRef Swap, TimeSpan ReplacementWait);

/// <summary>How a swap ended.</summary>
public sealed record SwapResult(string SwapId, string Status, string? FailedStep, string? Reason);

/// <summary>
/// Runs one domain swap (instance id = swap id): <c>swap.created</c> → <c>swap.in_progress</c> → (an imported
/// replacement that is not active yet: <c>swap.action_required</c>, polled until its import completes, then
/// <c>swap.in_progress</c> again) → the replacement attached to the order → Microsoft: the order's tenant and licences
/// for the new inboxes (Google customers are per domain, in the child) → one <see cref="ProvisionDomainOrchestrator"/>
/// for the replacement (buy, zone, nameservers, DNS, verification, inboxes named like the old ones, Smartlead, the old
/// domain's forwarding, <c>domain.connected</c>) → premium: the old domain kept warm on a durable timer → the old
/// domain's Smartlead accounts, inboxes and zone deleted and its licences given back → the replacement in the old
/// domain's place → <c>swap.completed</c>; <c>swap.failed</c> with the step and a catalogue reason otherwise.
/// </summary>
/// <remarks>
/// Reuses the order activities and the domain sub-orchestration; every step is idempotent by the swap, the order and
/// the domain names, so a retried step never buys twice (the purchase is keyed by order and name, the licence raise by
/// the swap). Waits are durable (a polling activity under a retry policy, a timer), never sleeps. Compensation: a swap
/// that fails once the replacement was bought undoes what was set up for it (Smartlead accounts, inboxes, licences,
/// zone) and <see cref="FinishSwap"/> returns the bought name to the partner's inventory; the old domain is never
/// touched. One that fails later (the old domain could not be removed) keeps both domains on the order and reports
/// <c>detach_failed</c>.
/// </remarks>
public sealed class SwapOrchestrator : TaskOrchestrator<SwapInput, SwapResult>
{
    public override async Task<SwapResult> RunAsync(TaskOrchestrationContext context, SwapInput input)
    {
        var swap = input.Swap;
        await context.PublishSwapEventAsync(new PublishSwapEventInput(swap, SwapEvents.Created, null), ProvisioningRetries.Storage);
        await context.PublishSwapEventAsync(new PublishSwapEventInput(swap, SwapEvents.InProgress, null), ProvisioningRetries.Storage);

        var replacement = await context.CheckSwapReplacementAsync(
            new CheckSwapReplacementInput(swap, Wait: false),
            ProvisioningRetries.Storage
        );
        if (!replacement.Ready && replacement.Failure is null)
        {
            await context.PublishSwapEventAsync(
                new PublishSwapEventInput(
                    swap,
                    SwapEvents.ActionRequired,
                    SwapReasons.Of(SwapReasons.ReplacementNotImported, "replacement")
                ),
                ProvisioningRetries.Storage
            );
            try
            {
                replacement = await context.CheckSwapReplacementAsync(
                    new CheckSwapReplacementInput(swap, Wait: true),
                    ProvisioningRetries.Nameservers(input.ReplacementWait)
                );
            }
            catch (TaskFailedException)
            {
                return await FailAsync(context, swap, null, SwapReasons.Of(SwapReasons.ReplacementNotImported, "replacement"));
            }

            if (replacement.Ready)
            {
                await context.PublishSwapEventAsync(
                    new PublishSwapEventInput(swap, SwapEvents.InProgress, null, Occurrence: "resumed"),
                    ProvisioningRetries.Storage
                );
            }
        }

        if (replacement.Failure is { } notImported)
        {
            return await FailAsync(context, swap, null, notImported);
        }

        var plan = await context.AttachSwapReplacementAsync(new AttachSwapReplacementInput(swap), ProvisioningRetries.Storage);
        var tenants = new TenantIds(null, plan.MicrosoftTenantId, null);
        if (plan.Replacement.Provider == MailProvider.Microsoft)
        {
            try
            {
                // The order's tenant already exists: this finds it (and its initial domain) without buying anything.
                var tenant = await context.EnsureMicrosoftTenantAsync(
                    new EnsureTenantInput(plan.Order, plan.Old.Domain, plan.CustomerEmail, plan.Replacement.Inboxes.Count),
                    ProvisioningRetries.Provider
                );
                tenants = tenants with
                {
                    MicrosoftTenantId = tenant.TenantId ?? tenant.CustomerId,
                    MicrosoftInitialDomain = tenant.InitialDomain,
                };
                // The old domain's mailboxes keep their licences until it is detached: the new ones need their own.
                await context.AddSwapLicensesAsync(
                    new AddSwapLicensesInput(swap, tenants.MicrosoftTenantId!, plan.Replacement.Inboxes.Count),
                    ProvisioningRetries.Provider
                );
            }
            catch (TaskFailedException ex)
            {
                await UndoReplacementAsync(context, plan, tenants, createdAnything: false);
                return await FailAsync(
                    context,
                    swap,
                    "tenant",
                    SwapReasons.OfStep("tenant", ex.FailureDetails.ErrorMessage, plan.Replacement.Domain)
                );
            }
        }

        var provisioned = await context.CallSubOrchestratorAsync<ProvisionDomainResult>(
            nameof(ProvisionDomainOrchestrator),
            new ProvisionDomainInput(plan.Order, plan.Replacement, tenants, plan.CustomerEmail, plan.PropagationTimeout),
            new SubOrchestrationOptions(instanceId: $"{swap.SwapId}:domain")
        );
        if (!provisioned.Connected)
        {
            // Nothing exists for a name that could not be bought; otherwise undo what the child set up before it stopped.
            await UndoReplacementAsync(context, plan, tenants, createdAnything: provisioned.FailedStep is not "register");
            return await FailAsync(
                context,
                swap,
                provisioned.FailedStep,
                SwapReasons.OfStep(provisioned.FailedStep, provisioned.Reason, plan.Replacement.Domain)
            );
        }

        if (plan.SwapType == SwapType.Premium && plan.WarmPeriod > TimeSpan.Zero)
        {
            var until = context.CurrentUtcDateTime + plan.WarmPeriod;
            await context.StartSwapWarmPeriodAsync(
                new StartSwapWarmPeriodInput(swap, new DateTimeOffset(until, TimeSpan.Zero)),
                ProvisioningRetries.Storage
            );
            await context.CreateTimer(until, CancellationToken.None);
        }

        try
        {
            await RemoveDomainAsync(context, plan, plan.Old, tenants.MicrosoftTenantId);
        }
        catch (TaskFailedException)
        {
            return await FailAsync(context, swap, "detach", SwapReasons.Of(SwapReasons.DetachFailed, "detach"));
        }

        await context.FinishSwapAsync(new FinishSwapInput(swap, true, null), ProvisioningRetries.Storage);
        await context.PublishSwapEventAsync(new PublishSwapEventInput(swap, SwapEvents.Completed, null), ProvisioningRetries.Storage);
        return new SwapResult(swap.SwapId, SwapStatus.Completed, null, null);
    }

    /// <summary>
    /// Takes <paramref name="domain"/> off the providers: its Smartlead accounts (before the mailboxes they send from),
    /// its inboxes, its zone, then the licences they held (the Google domain's subscription cancelled, the Microsoft
    /// subscription brought down to the licences still assigned).
    /// </summary>
    private static async Task RemoveDomainAsync(
        TaskOrchestrationContext context,
        AttachSwapReplacementResult plan,
        PlannedDomain domain,
        string? tenant
    )
    {
        await context.DeleteSequencerAccountsAsync(new DeleteSequencerAccountsInput(plan.Order, domain), ProvisioningRetries.Provider);
        await context.DeleteInboxesAsync(new DeleteInboxesInput(plan.Order, domain, tenant), ProvisioningRetries.Provider);
        await context.DeleteZoneAsync(new DeleteZoneInput(plan.Order, domain.Domain), ProvisioningRetries.Provider);
        var google = domain.Provider == MailProvider.Google;
        await context.RevokeLicensesAsync(
            new RevokeLicensesInput(plan.Order, google ? [domain.Domain] : [], google ? null : tenant),
            ProvisioningRetries.Provider
        );
    }

    /// <summary>
    /// Compensation of a failed swap: the replacement's Smartlead accounts, inboxes and zone go (when
    /// <paramref name="createdAnything"/>), and the licences raised for it are given back. Best effort: a step that still
    /// fails after its retries does not hide the swap's own failure (ops see it in the history).
    /// </summary>
    private static async Task UndoReplacementAsync(
        TaskOrchestrationContext context,
        AttachSwapReplacementResult plan,
        TenantIds tenants,
        bool createdAnything
    )
    {
        try
        {
            if (createdAnything)
            {
                await RemoveDomainAsync(context, plan, plan.Replacement, tenants.MicrosoftTenantId);
            }
            else if (plan.Replacement.Provider == MailProvider.Microsoft && tenants.MicrosoftTenantId is { } tenant)
            {
                await context.RevokeLicensesAsync(new RevokeLicensesInput(plan.Order, [], tenant), ProvisioningRetries.Provider);
            }
        }
        catch (TaskFailedException)
        {
            // Reported by the swap's failure; the undo steps are idempotent, so ops can rerun them.
        }
    }

    private static async Task<SwapResult> FailAsync(TaskOrchestrationContext context, SwapRef swap, string? step, SwapReason reason)
    {
        await context.FinishSwapAsync(new FinishSwapInput(swap, false, step), ProvisioningRetries.Storage);
        await context.PublishSwapEventAsync(new PublishSwapEventInput(swap, SwapEvents.Failed, reason), ProvisioningRetries.Storage);
        return new SwapResult(swap.SwapId, SwapStatus.Failed, reason.Step, reason.Code);
    }
}
