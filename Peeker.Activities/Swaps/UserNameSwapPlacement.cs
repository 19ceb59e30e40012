using Microsoft.Extensions.Logging;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Swaps;

/// <summary>A parsed <c>POST /swaps/user_names</c> body.</summary>
public sealed record UserNameSwapRequest(string DomainId, IReadOnlyList<Persona> Personas);

/// <summary>
/// Accepts <c>POST /swaps/user_names</c> (spec sections 3.5 and 8.4): the domain must be a connected, active domain of
/// the caller on a completed order, with inboxes, and no other swap at work on it. Stores one <c>created</c> row per
/// inbox (in inbox order), claims the domain for the first row and starts <c>UserNameSwapOrchestrator</c>. A rejected
/// request stores nothing; a start that fails marks the rows failed and frees the domain.
/// </summary>
public sealed class UserNameSwapPlacement(
    SwapStore swaps,
    SwapRules rules,
    IUserNameSwapWorkflows workflows,
    TimeProvider time,
    ILogger<UserNameSwapPlacement> logger
)
{
    /// <summary>Validates, stores and starts the swap; the stored rows, one per inbox.</summary>
    public async Task<IReadOnlyList<Swap>> PlaceAsync(ProviderScope scope, UserNameSwapRequest request, CancellationToken cancellationToken)
    {
        var (env, partnerId) = (scope.Environment, scope.PartnerId);
        var (domain, order, onOrder) = await rules.SwappableAsync(
            scope,
            request.DomainId,
            needsInboxes: true,
            "Only the inboxes of a connected, active domain of a completed order can be renamed.",
            cancellationToken
        );
        var inboxes = onOrder.Inboxes!;

        // From the first write on, a disconnect changes nothing: the commit runs to its end or rolls back.
        cancellationToken = CancellationToken.None;
        var now = time.GetUtcNow();
        var rows = inboxes
            .Select(inbox => new Swap(
                Ids.New("swp", now),
                partnerId,
                SwapType.UserNames,
                domain.Id,
                domain.Domain,
                null,
                order.Id,
                order.UserId,
                SwapStatus.Created,
                null,
                now,
                now,
                null
            )
            {
                Provider = onOrder.Provider,
                Inbox = inbox,
                Personas = request.Personas,
                InboxCount = inboxes.Count,
            })
            .ToList();
        if (await swaps.TryClaimDomainAsync(env, partnerId, domain.Id, rows[0].Id, cancellationToken) is { } holder)
        {
            throw SwapRules.Busy(holder);
        }

        try
        {
            await swaps.CreateManyAsync(env, rows, cancellationToken);
            await workflows.StartAsync(new UserNameSwapInput(rows[0].Id, env, partnerId, [.. rows.Select(r => r.Id)]), cancellationToken);
            return rows;
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Placing user-name swap {SwapId} failed; rolling back", rows[0].Id);
            await RollBackAsync(scope, rows);
            throw new ApiException(500, ErrorCodes.InternalError, "The swap could not be placed; nothing was changed. Retry with backoff.");
        }
    }

    private async Task RollBackAsync(ProviderScope scope, List<Swap> rows)
    {
        var none = CancellationToken.None;
        var failed = new SwapReason(ErrorCodes.InternalError, "The swap could not be started.", "accept");
        try
        {
            foreach (var row in rows)
            {
                await swaps.UpdateAsync(
                    scope.Environment,
                    scope.PartnerId,
                    row.Id,
                    s => s with { Status = SwapStatus.Failed, Reason = failed, CompletedAt = time.GetUtcNow() },
                    none
                );
            }
        }
        finally
        {
            await swaps.ReleaseDomainAsync(scope.Environment, scope.PartnerId, rows[0].DomainId, rows[0].Id, none);
        }
    }
}
