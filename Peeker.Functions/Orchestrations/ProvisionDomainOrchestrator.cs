using Microsoft.DurableTask;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>Input of <see cref="ProvisionDomainOrchestrator"/>: the order and the planned domain.</summary>
public sealed record ProvisionDomainInput(
    OrderRef Order,
    PlannedDomain Domain,
    TenantIds Tenants,
    string CustomerEmail,
    TimeSpan PropagationTimeout = default
);

/// <summary>How one domain ended; failures are data so the order can report the step.</summary>
public sealed record ProvisionDomainResult(
    string Domain,
    bool Connected,
    string? FailedStep,
    string? Reason,
    IReadOnlyList<string> Inboxes
);

/// <summary>
/// Provisions one domain: buy at the registrar → (Google) the domain's Workspace customer and seats → Cloudflare zone → registrar nameservers → wait for the zone to
/// activate → provider DNS records → wait for verification → inboxes → Smartlead → forwarding →
/// <c>domain.connected</c>.
/// </summary>
/// <remarks>
/// Every step is an idempotent activity with a named durable retry policy; waits are polling activities retried on
/// durable timers (no sleeps). The purchase is keyed by the order and the domain (never by
/// engine task ids, which a durable retry changes) and checks before it buys, so a redelivered or retried purchase
/// never buys twice. A profile picture the provider cannot fetch opens a pending
/// action (<c>order.action_required</c>) and provisioning continues without it. No compensation here: cancellation is
/// <see cref="CancelOrderOrchestrator"/>'s job.
/// </remarks>
public sealed class ProvisionDomainOrchestrator : TaskOrchestrator<ProvisionDomainInput, ProvisionDomainResult>
{
    public override async Task<ProvisionDomainResult> RunAsync(TaskOrchestrationContext context, ProvisionDomainInput input)
    {
        var order = input.Order;
        var domain = input.Domain;
        var step = "register";
        try
        {
            var bought = await context.BuyDomainAsync(new BuyDomainInput(order, domain.Domain, domain.Owned), ProvisioningRetries.Provider);
            if (!bought.Owned)
            {
                return Failed(domain, step, bought.Reason ?? "the registrar would not sell the domain");
            }

            var tenants = input.Tenants;
            if (domain.Provider == MailProvider.Google)
            {
                step = "tenant";
                var customer = await context.EnsureGoogleTenantAsync(
                    new EnsureTenantInput(order, domain.Domain, input.CustomerEmail, domain.Inboxes.Count),
                    ProvisioningRetries.Provider
                );
                tenants = tenants with { GoogleCustomerId = customer.CustomerId };
            }

            step = "zone";
            var zone = await context.CreateZoneAsync(new CreateZoneInput(order, domain.Domain), ProvisioningRetries.Provider);

            step = "nameservers";
            await context.SetNameserversAsync(
                new SetNameserversInput(order, domain.Domain, zone.Nameservers),
                ProvisioningRetries.Provider
            );

            step = "zone_active";
            await context.CheckZoneActiveAsync(
                new CheckZoneActiveInput(order, zone.ZoneId),
                ProvisioningRetries.Propagation(input.PropagationTimeout)
            );

            step = "dns";
            await context.WriteDnsRecordsAsync(
                new WriteDnsRecordsInput(order, domain.Domain, domain.Provider, zone.ZoneId, tenants),
                ProvisioningRetries.Provider
            );

            step = "verify";
            await context.VerifyDomainAsync(
                new VerifyDomainInput(order, domain.Domain, domain.Provider, zone.ZoneId, tenants),
                ProvisioningRetries.Propagation(input.PropagationTimeout)
            );

            step = "inboxes";
            var created = await Task.WhenAll(
                domain.Inboxes.Select(inbox =>
                    context.CreateInboxAsync(
                        new CreateInboxInput(order, domain.Domain, domain.Provider, inbox, tenants),
                        ProvisioningRetries.Provider
                    )
                )
            );
            foreach (var inbox in created.Where(c => c.PictureProblem is not null))
            {
                await context.OpenPendingActionAsync(
                    new OpenPendingActionInput(order, domain.DomainId, domain.Domain, inbox.Email, inbox.PictureProblem!),
                    ProvisioningRetries.Storage
                );
            }

            step = "sequencer";
            foreach (var inbox in created)
            {
                await context.RegisterSequencerAccountAsync(
                    new RegisterSequencerAccountInput(order, domain.Provider, inbox.Email, inbox.DisplayName),
                    ProvisioningRetries.Sequencer
                );
            }

            step = "forwarding";
            if (domain.ForwardingUrl is not null)
            {
                await context.SetForwardingAsync(
                    new SetForwardingInput(order, zone.ZoneId, domain.Domain, domain.ForwardingUrl),
                    ProvisioningRetries.Provider
                );
            }

            step = "connected";
            var addresses = created.Select(c => c.Email).ToList();
            await context.MarkDomainConnectedAsync(
                new MarkDomainConnectedInput(order, domain.DomainId, domain.Domain, domain.Provider, domain.ForwardingUrl, addresses),
                ProvisioningRetries.Storage
            );
            return new ProvisionDomainResult(domain.Domain, true, null, null, addresses);
        }
        catch (TaskFailedException ex)
        {
            return Failed(domain, step, ex.FailureDetails.ErrorMessage);
        }
    }

    private static ProvisionDomainResult Failed(PlannedDomain domain, string step, string reason) =>
        new(domain.Domain, false, step, reason, []);
}
