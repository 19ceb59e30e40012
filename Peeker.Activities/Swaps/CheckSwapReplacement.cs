using Microsoft.DurableTask;
using Peeker.Activities.Domains;
using Peeker.Activities.Imports;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Swaps;

/// <summary>With <see cref="Wait"/> a replacement still importing throws <see cref="NotReadyYetException"/> (polled under a durable retry policy).</summary>
public sealed record CheckSwapReplacementInput(SwapRef Swap, bool Wait);

/// <summary><see cref="Ready"/>: the replacement can be provisioned; <see cref="Failure"/>: it never will be (its import failed).</summary>
public sealed record CheckSwapReplacementResult(bool Ready, SwapReason? Failure);

/// <summary>
/// Whether the swap's replacement can be provisioned: a name we buy always can; an imported one once its import
/// completed (its row is in the partner's inventory, or already attached to the order by this swap). An import whose
/// row for the name failed (nameservers never switched, abandoned) ends the wait with
/// <see cref="SwapReasons.ReplacementImportFailed"/>.
/// </summary>
/// <remarks>Read-only; idempotent.</remarks>
public sealed class CheckSwapReplacement(SwapStore swaps, DomainStore domains, DomainImportStore imports)
    : TaskActivity<CheckSwapReplacementInput, CheckSwapReplacementResult>
{
    public override async Task<CheckSwapReplacementResult> RunAsync(TaskActivityContext context, CheckSwapReplacementInput input)
    {
        var (env, partnerId, ct) = (input.Swap.Environment, input.Swap.PartnerId, CancellationToken.None);
        var swap =
            await swaps.GetAsync(env, partnerId, input.Swap.SwapId, ct)
            ?? throw new InvalidOperationException($"Swap {input.Swap.SwapId} does not exist.");
        if (swap.ReplacementSource != "imported")
        {
            return new CheckSwapReplacementResult(true, null);
        }

        var rows = await domains.FindByNameAsync(env, partnerId, swap.ReplacementDomain!, ct);
        if (rows.Any(r => r.Category == "inventory" || r.Id == swap.ReplacementDomainId))
        {
            return new CheckSwapReplacementResult(true, null);
        }

        var import = await imports.LookupAsync(env, partnerId, [swap.ReplacementDomain!], ct);
        if (import.Any(r => r.Row.Status == ImportDomainStatus.Pending))
        {
            return input.Wait
                ? throw new NotReadyYetException($"{swap.ReplacementDomain}: the import is still waiting for its nameservers.")
                : new CheckSwapReplacementResult(false, null);
        }

        return new CheckSwapReplacementResult(false, SwapReasons.Of(SwapReasons.ReplacementImportFailed, "replacement"));
    }
}

/// <summary>Typed call of <see cref="CheckSwapReplacement"/> from an orchestration.</summary>
public static class CheckSwapReplacementExtensions
{
    /// <summary>Schedules <see cref="CheckSwapReplacement"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CheckSwapReplacementResult> CheckSwapReplacementAsync(
        this TaskOrchestrationContext context,
        CheckSwapReplacementInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CheckSwapReplacementResult>(nameof(CheckSwapReplacement), input, options);
}
