using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Imports;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Swaps;

/// <summary>A parsed <c>POST /swaps</c> body.</summary>
public sealed record SwapRequest(string Type, string DomainId, string ReplacementDomain, IReadOnlyList<Persona>? Personas);

/// <summary>
/// Accepts <c>POST /swaps</c> (spec sections 3.5 and 8.3): checks the domain (a connected, active domain of the
/// caller), the replacement (bought by us when the registrar sells it, or imported by the partner: active in the
/// inventory, or an import still waiting for its nameservers, which makes the swap <c>action_required</c>), the premium
/// rules (<see cref="SwapRules"/>), then claims the domain for the swap and the replacement for the order, stores the
/// <c>created</c> row and starts the swap orchestration. A rejected request stores nothing.
/// </summary>
public sealed class SwapPlacement(
    SwapStore swaps,
    SwapRules rules,
    DomainStore domains,
    DomainImportStore imports,
    DomainAvailabilityService availability,
    IOrderWorkflows workflows,
    IOptions<Provisioning.ProvisioningOptions> provisioning,
    TimeProvider time,
    ILogger<SwapPlacement> logger
)
{
    /// <summary>Validates, claims, stores and starts the swap; the stored row.</summary>
    public async Task<Swap> PlaceAsync(ProviderScope scope, SwapRequest request, CancellationToken cancellationToken)
    {
        var (env, partnerId) = (scope.Environment, scope.PartnerId);
        var (old, order, onOrder) = await rules.SwappableAsync(
            scope,
            request.DomainId,
            needsInboxes: false,
            "Only a connected, active domain of a completed order can be swapped.",
            cancellationToken
        );
        var provider = onOrder.Provider;
        if (request.Type == SwapType.Premium && provider != "microsoft")
        {
            throw new ApiException(
                400,
                ErrorCodes.PremiumSwapMicrosoftOnly,
                "Premium swaps are for Microsoft domains only; use a standard swap.",
                "type",
                new Dictionary<string, object?> { ["provider"] = provider }
            );
        }

        var name =
            DomainNames.Normalize(request.ReplacementDomain)
            ?? throw ApiException.Invalid("replacement_domain", $"'{request.ReplacementDomain}' is not a valid domain name.");
        if (name == old.Domain)
        {
            throw ApiException.Invalid("replacement_domain", "The replacement must be another domain.");
        }

        if (!availability.UsableFor(name).Contains(provider))
        {
            throw ApiException.Invalid("replacement_domain", $"'{name}' cannot run {provider}, the provider of the domain it replaces.");
        }

        var (source, replacementId, priceCents) = await ResolveReplacementAsync(scope, name, cancellationToken);
        var inboxes =
            onOrder.Inboxes?.Count is > 0 and var count ? count
            : provider == "microsoft" ? provisioning.Value.MicrosoftInboxesPerDomain
            : order.GoogleInboxesPerDomain;
        if (request.Type == SwapType.Premium)
        {
            await rules.CheckPremiumAsync(scope, old.Id, inboxes, cancellationToken);
        }

        // From the first write on, a disconnect changes nothing: the commit runs to its end or rolls back.
        cancellationToken = CancellationToken.None;
        var now = time.GetUtcNow();
        var swap = new Swap(
            Ids.New("swp", now),
            partnerId,
            request.Type,
            old.Id,
            old.Domain,
            name,
            order.Id,
            order.UserId,
            SwapStatus.Created,
            null,
            now,
            now,
            null
        )
        {
            ReplacementDomainId = replacementId,
            ReplacementSource = source,
            ReplacementPriceCents = priceCents,
            Provider = provider,
            Personas = request.Personas,
            InboxCount = inboxes,
        };
        if (await swaps.TryClaimDomainAsync(env, partnerId, old.Id, swap.Id, cancellationToken) is { } holder)
        {
            throw SwapRules.Busy(holder);
        }

        if (await domains.TryClaimAsync(env, order.Id, [name], cancellationToken) is [_, ..])
        {
            await swaps.ReleaseDomainAsync(env, partnerId, old.Id, swap.Id, cancellationToken);
            throw new ApiException(
                409,
                ErrorCodes.DomainAlreadyInActiveOrder,
                $"Already on an active order: {name}.",
                "replacement_domain",
                new Dictionary<string, object?> { ["domains"] = new[] { name } }
            );
        }

        var ownership = await domains.TryOwnAsync(env, name, partnerId, order.Id, now, cancellationToken);
        try
        {
            if (ownership == DomainOwnership.HeldByOther)
            {
                throw new ApiException(
                    409,
                    ErrorCodes.DomainInUse,
                    $"Held by another account: {name}.",
                    "replacement_domain",
                    new Dictionary<string, object?> { ["domains"] = new[] { name } }
                );
            }

            await swaps.CreateAsync(env, swap, cancellationToken);
            await workflows.StartSwapAsync(env, partnerId, swap.Id, cancellationToken);
            return swap;
        }
        catch (Exception ex)
        {
            await RollBackAsync(scope, swap, order.Id, ownership == DomainOwnership.Acquired);
            if (ex is ApiException)
            {
                throw;
            }

            logger.LogError(ex, "Placing swap {SwapId} failed; rolled back", swap.Id);
            throw new ApiException(500, ErrorCodes.InternalError, "The swap could not be placed; nothing was changed. Retry with backoff.");
        }
    }

    /// <summary>
    /// <c>registered</c> with a new id and the registrar's price when the registrar sells the name; <c>imported</c> with
    /// its row id (null while its import waits) and no price.
    /// </summary>
    private async Task<(string Source, string? Id, long? PriceCents)> ResolveReplacementAsync(
        ProviderScope scope,
        string name,
        CancellationToken cancellationToken
    )
    {
        var (env, partnerId) = (scope.Environment, scope.PartnerId);
        if (await domains.ActiveOrderOfAsync(env, name, cancellationToken) is not null)
        {
            throw new ApiException(
                409,
                ErrorCodes.DomainAlreadyInActiveOrder,
                $"Already on an active order: {name}.",
                "replacement_domain",
                new Dictionary<string, object?> { ["domains"] = new[] { name } }
            );
        }

        if (await domains.OwnerOfAsync(env, name, cancellationToken) is { } owner && owner != partnerId)
        {
            throw new ApiException(
                409,
                ErrorCodes.DomainInUse,
                $"Held by another account: {name}.",
                "replacement_domain",
                new Dictionary<string, object?> { ["domains"] = new[] { name } }
            );
        }

        if (
            (await domains.FindByNameAsync(env, partnerId, name, cancellationToken)).FirstOrDefault(r => r.Category == "inventory") is
            { } inventory
        )
        {
            return ("imported", inventory.Id, null);
        }

        if ((await imports.LookupAsync(env, partnerId, [name], cancellationToken)).Any(r => r.Row.Status == ImportDomainStatus.Pending))
        {
            return ("imported", null, null);
        }

        var row = (await availability.CheckAsync(scope, [name], cancellationToken))[0];
        if (!row.Available)
        {
            throw new ApiException(
                400,
                ErrorCodes.DomainUnavailable,
                $"Not available for registration, nor imported: {name}.",
                "replacement_domain",
                new Dictionary<string, object?>
                {
                    ["domains"] = new[]
                    {
                        new Dictionary<string, object?> { ["domain"] = name, ["reason"] = row.Reason },
                    },
                }
            );
        }

        return ("registered", Ids.New("dom", time), row.PriceCents ?? 0);
    }

    private async Task RollBackAsync(ProviderScope scope, Swap swap, string orderId, bool releaseOwnership)
    {
        var (env, none) = (scope.Environment, CancellationToken.None);
        Func<Task>[] steps =
        [
            () =>
                swaps.UpdateAsync(
                    env,
                    swap.PartnerId,
                    swap.Id,
                    s =>
                        s with
                        {
                            Status = SwapStatus.Failed,
                            Reason = new SwapReason(ErrorCodes.InternalError, "The swap could not be started.", "accept"),
                            CompletedAt = time.GetUtcNow(),
                        },
                    none
                ),
            () => domains.ReleaseAsync(env, orderId, [swap.ReplacementDomain!], none),
            () => releaseOwnership ? domains.ReleaseOwnershipAsync(env, swap.ReplacementDomain!, swap.PartnerId, none) : Task.CompletedTask,
            () => swaps.ReleaseDomainAsync(env, swap.PartnerId, swap.DomainId, swap.Id, none),
        ];
        foreach (var step in steps)
        {
            try
            {
                await step();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Rolling back swap {SwapId}: a step failed", swap.Id);
            }
        }
    }
}
