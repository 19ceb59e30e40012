using Microsoft.DurableTask;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Swaps;

/// <summary>What a user-name swap works on: the order, the domain and its provider, and one planned rename per row.</summary>
public sealed record LoadUserNameSwapResult(
    string OrderId,
    string DomainId,
    string Domain,
    MailProvider Provider,
    string? MicrosoftTenantId,
    IReadOnlyList<PlannedRename> Rows
);

/// <summary>
/// Reads the rows of a user-name swap and plans the new local parts: the rows' personas through <see cref="InboxNaming"/>
/// over as many inboxes as there are rows, in row order (the order of the domain's inboxes), as orders name them.
/// </summary>
/// <remarks>Read-only; idempotent. The plan lands in history, so replays see the same plan.</remarks>
public sealed class LoadUserNameSwap(SwapStore swaps, OrderStore orders) : TaskActivity<UserNameSwapInput, LoadUserNameSwapResult>
{
    public override async Task<LoadUserNameSwapResult> RunAsync(TaskActivityContext context, UserNameSwapInput input)
    {
        var ct = CancellationToken.None;
        var rows = new List<Swap>(input.SwapIds.Count);
        foreach (var id in input.SwapIds)
        {
            rows.Add(
                await swaps.GetAsync(input.Environment, input.PartnerId, id, ct)
                    ?? throw new InvalidOperationException($"Swap {id} does not exist.")
            );
        }

        var first = rows[0];
        var order = first.OrderId is null ? null : await orders.GetByIdAsync(input.Environment, first.OrderId, ct);
        var personas = first.Personas ?? [];
        var plan = InboxNaming.Plan([.. personas.Select(p => (p.FirstName, p.LastName))], rows.Count);
        var renames = rows.Select(
                (row, i) =>
                {
                    var persona = personas[plan[i].Persona];
                    var picture = string.IsNullOrWhiteSpace(persona.ProfilePictureUrl) ? null : persona.ProfilePictureUrl;
                    return new PlannedRename(row.Id, row.Inbox ?? "", plan[i].LocalPart, persona.FirstName, persona.LastName, picture);
                }
            )
            .ToList();
        var provider = string.Equals(first.Provider, "microsoft", StringComparison.OrdinalIgnoreCase)
            ? MailProvider.Microsoft
            : MailProvider.Google;
        return new LoadUserNameSwapResult(first.OrderId ?? "", first.DomainId, first.Domain, provider, order?.MicrosoftTenantId, renames);
    }
}

/// <summary>Typed call of <see cref="LoadUserNameSwap"/> from an orchestration.</summary>
public static class LoadUserNameSwapExtensions
{
    /// <summary>Schedules <see cref="LoadUserNameSwap"/> and returns its result.</summary>
    public static Task<LoadUserNameSwapResult> LoadUserNameSwapAsync(
        this TaskOrchestrationContext context,
        UserNameSwapInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<LoadUserNameSwapResult>(nameof(LoadUserNameSwap), input, options);
}
