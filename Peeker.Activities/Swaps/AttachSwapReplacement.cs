using Microsoft.DurableTask;
using Microsoft.Extensions.Options;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Swaps;

public sealed record AttachSwapReplacementInput(SwapRef Swap);

/// <summary>
/// What the swap orchestration needs, all ids and names: the order, the replacement planned like an order's domain,
/// the old domain with its inboxes (to delete them), the warm period (premium) and the propagation budget, read once
/// and recorded in history so replays see the same values.
/// </summary>
public sealed record AttachSwapReplacementResult(
    string SwapType,
    OrderRef Order,
    string CustomerEmail,
    PlannedDomain Replacement,
    PlannedDomain Old,
    string? MicrosoftTenantId,
    TimeSpan PropagationTimeout,
    TimeSpan WarmPeriod
);

/// <summary>
/// Attaches the replacement to the old domain's order: a new order domain (<c>provisioning</c>, the old domain's
/// provider and forwarding URL) and its domain row (<c>connected</c>/<c>provisioning</c>, a new id for a bought name,
/// the inventory row's id for an imported one), and plans it: as many inboxes as the old domain has, named from the
/// swap's personas or, when it sent none, the order's (so they are named like the old ones).
/// </summary>
/// <remarks>
/// Idempotent: the replacement's id is recorded on the swap the first time; the order entry and the domain row are
/// keyed by it and written absolutely. No compensation here: a failed swap detaches the replacement in <see cref="FinishSwap"/>.
/// </remarks>
public sealed class AttachSwapReplacement(
    SwapStore swaps,
    OrderStore orders,
    DomainStore domains,
    DomainAvailabilityService availability,
    IOptions<ProvisioningOptions> provisioning,
    IOptions<SwapOptions> options,
    TimeProvider time
) : TaskActivity<AttachSwapReplacementInput, AttachSwapReplacementResult>
{
    public override async Task<AttachSwapReplacementResult> RunAsync(TaskActivityContext context, AttachSwapReplacementInput input)
    {
        var (env, partnerId, ct) = (input.Swap.Environment, input.Swap.PartnerId, CancellationToken.None);
        var swap =
            await swaps.GetAsync(env, partnerId, input.Swap.SwapId, ct)
            ?? throw new InvalidOperationException($"Swap {input.Swap.SwapId} does not exist.");
        var name = swap.ReplacementDomain!;
        var replacementId =
            swap.ReplacementDomainId
            ?? (await domains.FindByNameAsync(env, partnerId, name, ct)).FirstOrDefault(r => r.Category == "inventory")?.Id
            ?? throw new InvalidOperationException($"{name} is not in the inventory of {partnerId}.");
        if (swap.ReplacementDomainId is null)
        {
            await swaps.UpdateAsync(env, partnerId, swap.Id, s => s with { ReplacementDomainId = replacementId }, ct);
        }

        var order =
            await orders.GetByIdAsync(env, swap.OrderId!, ct)
            ?? throw new InvalidOperationException($"Order {swap.OrderId} does not exist.");
        var old =
            order.Domains.FirstOrDefault(d => d.Id == swap.DomainId)
            ?? throw new InvalidOperationException($"{swap.Domain} is not on order {order.Id}.");
        var oldRow = await domains.GetAsync(env, partnerId, old.Id, ct);
        var forwarding = old.ForwardingUrl ?? oldRow?.ForwardingUrl ?? order.ForwardingUrl;
        var entry = new OrderDomain(
            replacementId,
            name,
            old.Provider,
            swap.ReplacementSource ?? "registered",
            forwarding,
            OrderPlanner.Provisioning
        );
        order =
            await orders.UpdateAsync(
                env,
                order.Id,
                o => o.Domains.Any(d => d.Id == replacementId) ? o : o with { Domains = [.. o.Domains, entry] },
                ct
            ) ?? order;
        await domains.SaveAsync(
            env,
            partnerId,
            [
                new DomainRecord(
                    replacementId,
                    name,
                    "connected",
                    DomainStatus.Provisioning,
                    old.Provider,
                    order.UserId,
                    order.Id,
                    availability.UsableFor(name),
                    forwarding,
                    time.GetUtcNow()
                ),
            ],
            ct
        );

        var provider = old.Provider == "microsoft" ? MailProvider.Microsoft : MailProvider.Google;
        var count =
            swap.InboxCount > 0 ? swap.InboxCount
            : provider == MailProvider.Microsoft ? provisioning.Value.MicrosoftInboxesPerDomain
            : order.GoogleInboxesPerDomain;
        var personas = swap.Personas is { Count: > 0 } given ? given : order.Personas;
        var inboxes = InboxNaming
            .Plan([.. personas.Select(p => (p.FirstName, p.LastName))], count)
            .Select(p => new PlannedInbox(
                p.LocalPart,
                personas[p.Persona].FirstName,
                personas[p.Persona].LastName,
                string.IsNullOrWhiteSpace(personas[p.Persona].ProfilePictureUrl) ? null : personas[p.Persona].ProfilePictureUrl
            ))
            .ToList();
        var replacement = new PlannedDomain(replacementId, name, provider, entry.Source != "registered", forwarding, inboxes);

        // The old inboxes as they were created (their addresses), or as the order would have named them.
        var oldInboxes = old.Inboxes is { Count: > 0 } addresses
            ? addresses.Select(a => new PlannedInbox(a.Split('@')[0], "", "", null)).ToList()
            :
            [
                .. InboxNaming
                    .Plan([.. order.Personas.Select(p => (p.FirstName, p.LastName))], count)
                    .Select(p => new PlannedInbox(p.LocalPart, "", "", null)),
            ];
        var oldPlanned = new PlannedDomain(old.Id, old.Domain, provider, old.Source != "registered", forwarding, oldInboxes);
        return new AttachSwapReplacementResult(
            swap.Type,
            new OrderRef(order.Id, env, partnerId),
            order.Email,
            replacement,
            oldPlanned,
            order.MicrosoftTenantId,
            provisioning.Value.PropagationBudgetFor(env),
            options.Value.WarmPeriod
        );
    }
}

/// <summary>Typed call of <see cref="AttachSwapReplacement"/> from an orchestration.</summary>
public static class AttachSwapReplacementExtensions
{
    /// <summary>Schedules <see cref="AttachSwapReplacement"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<AttachSwapReplacementResult> AttachSwapReplacementAsync(
        this TaskOrchestrationContext context,
        AttachSwapReplacementInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<AttachSwapReplacementResult>(nameof(AttachSwapReplacement), input, options);
}
