using Microsoft.DurableTask;

namespace Peeker.Activities.Swaps;

public sealed record FinishUserNameSwapInput(SwapRef Batch, string DomainId);

/// <summary>Releases the domain's swap claim held by a user-name swap, so the domain can be swapped or renamed again.</summary>
/// <remarks>Idempotent: releases only a claim the batch still holds.</remarks>
public sealed class FinishUserNameSwap(SwapStore swaps) : TaskActivity<FinishUserNameSwapInput, bool>
{
    public override async Task<bool> RunAsync(TaskActivityContext context, FinishUserNameSwapInput input)
    {
        await swaps.ReleaseDomainAsync(
            input.Batch.Environment,
            input.Batch.PartnerId,
            input.DomainId,
            input.Batch.SwapId,
            CancellationToken.None
        );
        return true;
    }
}

/// <summary>Typed call of <see cref="FinishUserNameSwap"/> from an orchestration.</summary>
public static class FinishUserNameSwapExtensions
{
    /// <summary>Schedules <see cref="FinishUserNameSwap"/>.</summary>
    public static Task<bool> FinishUserNameSwapAsync(
        this TaskOrchestrationContext context,
        FinishUserNameSwapInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<bool>(nameof(FinishUserNameSwap), input, options);
}
