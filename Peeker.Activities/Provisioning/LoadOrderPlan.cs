using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Durable.Retries;

namespace Peeker.Activities.Provisioning;

public sealed record LoadOrderPlanInput(string OrderId, PeekerEnvironment Environment)
{
    /// <summary>
    /// Set by provisioning: an order that is not <c>in_progress</c> (rolled back by its placement, cancelled) is refused,
    /// not provisioned; <c>action_required</c> over <c>in_progress</c> (a retry with open pending actions) is let through. <c>cancel_scheduled</c> is let through: a whole-order cancellation can be accepted before
    /// provisioning starts, and its undo waits for provisioning to end.
    /// </summary>
    public bool RequireInProgress { get; init; }
}

public sealed record LoadOrderPlanResult(
    string PartnerId,
    string CustomerEmail,
    int GoogleLicenses,
    int MicrosoftLicenses,
    int MaxParallelDomains,
    IReadOnlyList<PlannedDomain> Domains
)
{
    /// <summary>The propagation budget of the order's environment when the order started (recorded in history, so replays see it).</summary>
    public TimeSpan PropagationTimeout { get; init; }

    /// <summary>The order's Microsoft 365 customer (tenant), once provisioning created it.</summary>
    public string? MicrosoftTenantId { get; init; }

    /// <summary>
    /// The inbox addresses the order records per domain id as they are now (a user-name swap's renames applied); undo steps
    /// use them besides the persona-derived plan, which names the mailboxes as first created.
    /// </summary>
    public IReadOnlyDictionary<string, IReadOnlyList<string>>? CurrentInboxes { get; init; }
}

/// <summary>Reads an order and plans its domains: provider per domain (as placed) and inbox names from the personas.</summary>
/// <remarks>
/// Read-only; idempotent. The plan lands in history, so replays see the same plan. With
/// <see cref="LoadOrderPlanInput.RequireInProgress"/> an order that is not <c>in_progress</c> fails the call without retries.
/// </remarks>
public sealed class LoadOrderPlan(OrderStore orders, IOptions<ProvisioningOptions> options)
    : TaskActivity<LoadOrderPlanInput, LoadOrderPlanResult>
{
    public override async Task<LoadOrderPlanResult> RunAsync(TaskActivityContext context, LoadOrderPlanInput input)
    {
        var order =
            await orders.GetByIdAsync(input.Environment, input.OrderId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Order {input.OrderId} does not exist.");
        if (input.RequireInProgress && !IsProvisionable(order))
        {
            throw new NonRetriableTaskException(
                $"Order {input.OrderId} is {order.Status}, not {OrderStatus.InProgress}: it is not provisioned."
            );
        }

        var personas = order.Personas.Select(p => (p.FirstName, p.LastName)).ToList();
        var domains = order
            .Domains.Select(d =>
            {
                var provider = string.Equals(d.Provider, "microsoft", StringComparison.OrdinalIgnoreCase)
                    ? MailProvider.Microsoft
                    : MailProvider.Google;
                var count = provider == MailProvider.Google ? order.GoogleInboxesPerDomain : options.Value.MicrosoftInboxesPerDomain;
                var inboxes = InboxNaming
                    .Plan(personas, count)
                    .Select(p => new PlannedInbox(
                        p.LocalPart,
                        order.Personas[p.Persona].FirstName,
                        order.Personas[p.Persona].LastName,
                        NullIfBlank(order.Personas[p.Persona].ProfilePictureUrl)
                    ))
                    .ToList();
                var owned =
                    !string.Equals(d.Source, "registered", StringComparison.OrdinalIgnoreCase)
                    && !string.Equals(d.Source, "purchase", StringComparison.OrdinalIgnoreCase);
                return new PlannedDomain(d.Id, d.Domain, provider, owned, d.ForwardingUrl ?? order.ForwardingUrl, inboxes);
            })
            .ToList();
        return new LoadOrderPlanResult(
            order.PartnerId,
            order.Email,
            order.GoogleLicenses,
            order.MicrosoftLicenses,
            options.Value.MaxParallelDomains,
            domains
        )
        {
            PropagationTimeout = options.Value.PropagationBudgetFor(input.Environment),
            MicrosoftTenantId = order.MicrosoftTenantId,
            CurrentInboxes = order.Domains.Where(d => d.Inboxes is { Count: > 0 }).ToDictionary(d => d.Id, d => d.Inboxes!),
        };
    }

    // A retried order whose pending actions are still open is action_required while its provisioning runs.
    private static bool IsProvisionable(Order order) =>
        order.Status is OrderStatus.InProgress or OrderStatus.CancelScheduled
        || (order.Status == OrderStatus.ActionRequired && order.StatusBeforeAction == OrderStatus.InProgress);

    private static string? NullIfBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value;
}

/// <summary>Typed call of <see cref="LoadOrderPlan"/> from an orchestration.</summary>
public static class LoadOrderPlanExtensions
{
    /// <summary>Schedules <see cref="LoadOrderPlan"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<LoadOrderPlanResult> LoadOrderPlanAsync(
        this TaskOrchestrationContext context,
        LoadOrderPlanInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<LoadOrderPlanResult>(nameof(LoadOrderPlan), input, options);
}
