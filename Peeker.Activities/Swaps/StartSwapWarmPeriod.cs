using Microsoft.DurableTask;

namespace Peeker.Activities.Swaps;

public sealed record StartSwapWarmPeriodInput(SwapRef Swap, DateTimeOffset WarmUntil);

public sealed record StartSwapWarmPeriodResult(string SwapId, DateTimeOffset WarmUntil);

/// <summary>Records on a premium swap until when its old domain is kept warm (shown as <c>warm_until</c>; the quota's <c>frees_at</c>).</summary>
/// <remarks>Idempotent: an absolute write of a time the orchestration computed from its own clock.</remarks>
public sealed class StartSwapWarmPeriod(SwapStore swaps) : TaskActivity<StartSwapWarmPeriodInput, StartSwapWarmPeriodResult>
{
    public override async Task<StartSwapWarmPeriodResult> RunAsync(TaskActivityContext context, StartSwapWarmPeriodInput input)
    {
        _ =
            await swaps.UpdateAsync(
                input.Swap.Environment,
                input.Swap.PartnerId,
                input.Swap.SwapId,
                s => s with { WarmUntil = input.WarmUntil },
                CancellationToken.None
            ) ?? throw new InvalidOperationException($"Swap {input.Swap.SwapId} does not exist.");
        return new StartSwapWarmPeriodResult(input.Swap.SwapId, input.WarmUntil);
    }
}

/// <summary>Typed call of <see cref="StartSwapWarmPeriod"/> from an orchestration.</summary>
public static class StartSwapWarmPeriodExtensions
{
    /// <summary>Schedules <see cref="StartSwapWarmPeriod"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<StartSwapWarmPeriodResult> StartSwapWarmPeriodAsync(
        this TaskOrchestrationContext context,
        StartSwapWarmPeriodInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<StartSwapWarmPeriodResult>(nameof(StartSwapWarmPeriod), input, options);
}
