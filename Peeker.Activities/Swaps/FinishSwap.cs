using Microsoft.DurableTask;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;

namespace Peeker.Activities.Swaps;

/// <summary>
/// <see cref="Succeeded"/>: the replacement is live and the old domain's inboxes and zone are gone. Otherwise
/// <see cref="FailedStep"/> is where the swap stopped (null: before anything was attached).
/// </summary>
public sealed record FinishSwapInput(SwapRef Swap, bool Succeeded, string? FailedStep);

public sealed record FinishSwapResult(string SwapId, bool Succeeded);

/// <summary>
/// The data side of a swap's end. Success: the replacement takes the old domain's place on the order (same position,
/// so the order view, <c>GET /domains</c> and later order events name the new domain) and in its costs
/// (<see cref="SwapCosts"/>), the old domain returns to the
/// partner's inventory (<c>available</c>) and lets go of its order claim and ownership like a cancelled domain. Failure
/// before the replacement connected: the replacement leaves the order again (back to the inventory when imported or
/// already bought; dropped, with its claim and ownership, when the purchase itself failed); the old domain stays as it
/// was. Either way the swap's claim on the old domain is released so another swap can start.
/// </summary>
/// <remarks>Idempotent: every write is absolute; releasing a released claim does nothing. Publishes nothing (see <see cref="PublishSwapEvent"/>).</remarks>
public sealed class FinishSwap(SwapStore swaps, OrderStore orders, DomainStore domains) : TaskActivity<FinishSwapInput, FinishSwapResult>
{
    public override async Task<FinishSwapResult> RunAsync(TaskActivityContext context, FinishSwapInput input)
    {
        var (env, partnerId, ct) = (input.Swap.Environment, input.Swap.PartnerId, CancellationToken.None);
        var swap =
            await swaps.GetAsync(env, partnerId, input.Swap.SwapId, ct)
            ?? throw new InvalidOperationException($"Swap {input.Swap.SwapId} does not exist.");
        var orderId = swap.OrderId!;
        if (input.Succeeded)
        {
            await orders.UpdateAsync(
                env,
                orderId,
                o =>
                {
                    var replacement = o.Domains.FirstOrDefault(d => d.Id == swap.ReplacementDomainId);
                    var old = o.Domains.FirstOrDefault(d => d.Id == swap.DomainId);
                    // The place and the costs change in one write, guarded by the old domain still being on the order: once.
                    return replacement is null || old is null
                        ? o
                        : o with
                        {
                            Domains =
                            [
                                .. o.Domains.Where(d => d.Id != replacement.Id).Select(d => d.Id == swap.DomainId ? replacement : d),
                            ],
                            Costs = SwapCosts.After(o, old, replacement, swap.ReplacementPriceCents),
                        };
                },
                ct
            );
            await domains.SetStatusAsync(env, partnerId, swap.DomainId, DomainStatus.Available, ct, category: "inventory");
            await domains.ReleaseAsync(env, orderId, [swap.Domain], ct);
            await domains.ReleaseOwnershipAsync(env, swap.Domain, partnerId, ct);
        }
        else if (swap.ReplacementDomainId is { } replacementId && swap.ReplacementDomain is { } name)
        {
            var order = await orders.GetByIdAsync(env, orderId, ct);
            var entry = order?.Domains.FirstOrDefault(d => d.Id == replacementId);
            if (entry is null || entry.Status != "connected")
            {
                await orders.UpdateAsync(env, orderId, o => o with { Domains = [.. o.Domains.Where(d => d.Id != replacementId)] }, ct);
                var neverBought = swap.ReplacementSource == "registered" && input.FailedStep is null or "register";
                if (neverBought)
                {
                    await domains.DeleteAsync(env, partnerId, [replacementId], ct);
                    await domains.ReleaseOwnershipAsync(env, name, partnerId, ct);
                }
                else if (await domains.GetAsync(env, partnerId, replacementId, ct) is not null)
                {
                    await domains.SetStatusAsync(env, partnerId, replacementId, DomainStatus.Available, ct, category: "inventory");
                }

                await domains.ReleaseAsync(env, orderId, [name], ct);
            }
        }

        await swaps.ReleaseDomainAsync(env, partnerId, swap.DomainId, swap.Id, ct);
        return new FinishSwapResult(swap.Id, input.Succeeded);
    }
}

/// <summary>Typed call of <see cref="FinishSwap"/> from an orchestration.</summary>
public static class FinishSwapExtensions
{
    /// <summary>Schedules <see cref="FinishSwap"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<FinishSwapResult> FinishSwapAsync(
        this TaskOrchestrationContext context,
        FinishSwapInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<FinishSwapResult>(nameof(FinishSwap), input, options);
}
