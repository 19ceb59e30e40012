using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>
/// Input of <see cref="ProvisionOrderOrchestrator"/>: ids only, never credentials. <see cref="Attempt"/> is 0 for the
/// first run and n for the n-th <c>POST /orders/{id}/retry</c> (see <see cref="ProvisioningInstances"/>).
/// </summary>
public sealed record ProvisionOrderInput(string OrderId, PeekerEnvironment Environment, int Attempt = 0);

/// <summary>How an order ended.</summary>
public sealed record ProvisionOrderResult(
    string OrderId,
    string Status,
    int DomainsConnected,
    int DomainsFailed,
    string? FailedDomain,
    string? FailedStep,
    string? Reason
);

/// <summary>
/// Provisions one order (instance id = order id): publishes <c>order.in_progress</c>, ensures the order's Microsoft
/// 365 tenant with its licences (Google Workspace customers are per domain, in the child), fans out one <see cref="ProvisionDomainOrchestrator"/>
/// per domain with bounded parallelism, and ends with <c>order.completed</c> (full order) or <c>order.failed</c>.
/// </summary>
/// <remarks>
/// Side effects happen only in activities, each idempotent by the business identity it acts on
/// (order, domain, mailbox, event type); money-spending steps (licences here, domains in the child) send provider
/// idempotency keys derived from the order. Progress is the custom status
/// (<c>stage</c>, <c>domains_total</c>, <c>domains_connected</c>, <c>domains_failed</c>). No compensation: a failed
/// order keeps what was bought for a retry (a new instance with <see cref="ProvisionOrderInput.Attempt"/> n, re-running
/// every step: the activities find what the failed run already did and buy nothing twice; its events are new ones) or
/// a cancellation (which undoes it). An order that is no longer <c>in_progress</c> when it
/// starts (rolled back by its placement) fails at <c>LoadOrderPlan</c> before any side effect.
/// </remarks>
public sealed class ProvisionOrderOrchestrator : TaskOrchestrator<ProvisionOrderInput, ProvisionOrderResult>
{
    public override async Task<ProvisionOrderResult> RunAsync(TaskOrchestrationContext context, ProvisionOrderInput input)
    {
        var plan = await context.LoadOrderPlanAsync(
            new LoadOrderPlanInput(input.OrderId, input.Environment) { RequireInProgress = true },
            ProvisioningRetries.Storage
        );
        var order = new OrderRef(input.OrderId, input.Environment, plan.PartnerId);
        await context.PublishOrderEventAsync(
            new PublishOrderEventInput(order, "order.in_progress", null, null) { Attempt = input.Attempt },
            ProvisioningRetries.Storage
        );

        var progress = new Progress(plan.Domains.Count);
        context.SetCustomStatus(progress.Status("tenants"));
        var tenants = new TenantIds(null, null, null);
        try
        {
            if (plan.Domains.FirstOrDefault(d => d.Provider == MailProvider.Microsoft) is { } firstMicrosoft)
            {
                var microsoft = await context.EnsureMicrosoftTenantAsync(
                    new EnsureTenantInput(order, firstMicrosoft.Domain, plan.CustomerEmail, MicrosoftMailboxes(plan)),
                    ProvisioningRetries.Provider
                );
                tenants = tenants with { MicrosoftTenantId = microsoft.TenantId, MicrosoftInitialDomain = microsoft.InitialDomain };
            }
        }
        catch (TaskFailedException ex)
        {
            return await FailAsync(context, order, input.Attempt, progress, null, "tenants", ex.FailureDetails.ErrorMessage);
        }

        context.SetCustomStatus(progress.Status("domains"));
        var running = new List<Task<ProvisionDomainResult>>();
        var results = new List<ProvisionDomainResult>();
        foreach (var domain in plan.Domains)
        {
            if (running.Count >= Math.Max(1, plan.MaxParallelDomains))
            {
                var finished = await Task.WhenAny(running);
                running.Remove(finished);
                results.Add(progress.Record(await finished));
                context.SetCustomStatus(progress.Status("domains"));
            }

            running.Add(
                context.CallSubOrchestratorAsync<ProvisionDomainResult>(
                    nameof(ProvisionDomainOrchestrator),
                    new ProvisionDomainInput(order, domain, tenants, plan.CustomerEmail, plan.PropagationTimeout),
                    new SubOrchestrationOptions(instanceId: ProvisioningInstances.Domain(input.OrderId, input.Attempt, domain.Domain))
                )
            );
        }

        foreach (var result in await Task.WhenAll(running))
        {
            results.Add(progress.Record(result));
        }

        if (results.FirstOrDefault(r => !r.Connected) is { } failed)
        {
            return await FailAsync(context, order, input.Attempt, progress, failed.Domain, failed.FailedStep, failed.Reason);
        }

        context.SetCustomStatus(progress.Status("completed"));
        await context.PublishOrderEventAsync(
            new PublishOrderEventInput(order, "order.completed", null, null) { Attempt = input.Attempt },
            ProvisioningRetries.Storage
        );
        return new ProvisionOrderResult(input.OrderId, "completed", progress.Connected, 0, null, null, null);
    }

    /// <summary>Microsoft bills the partner per domain, but every mailbox needs a licence in the tenant.</summary>
    private static int MicrosoftMailboxes(LoadOrderPlanResult plan) =>
        plan.Domains.Where(d => d.Provider == MailProvider.Microsoft).Sum(d => d.Inboxes.Count);

    private static async Task<ProvisionOrderResult> FailAsync(
        TaskOrchestrationContext context,
        OrderRef order,
        int attempt,
        Progress progress,
        string? domain,
        string? step,
        string? reason
    )
    {
        context.SetCustomStatus(progress.Status("failed"));
        await context.PublishOrderEventAsync(
            new PublishOrderEventInput(order, "order.failed", step, domain is null ? reason : $"{domain}: {reason}") { Attempt = attempt },
            ProvisioningRetries.Storage
        );
        return new ProvisionOrderResult(order.OrderId, "failed", progress.Connected, progress.Failed, domain, step, reason);
    }

    private sealed class Progress(int total)
    {
        public int Connected { get; private set; }

        public int Failed { get; private set; }

        public ProvisionDomainResult Record(ProvisionDomainResult result)
        {
            if (result.Connected)
            {
                Connected++;
            }
            else
            {
                Failed++;
            }

            return result;
        }

        public OrderProgress Status(string stage) => new(stage, total, Connected, Failed);
    }
}

/// <summary>The order's custom status while it provisions.</summary>
public sealed record OrderProgress(string Stage, int DomainsTotal, int DomainsConnected, int DomainsFailed);
