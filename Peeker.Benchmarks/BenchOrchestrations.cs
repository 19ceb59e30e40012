using Microsoft.DurableTask;

namespace Peeker.Benchmarks;

/// <summary>The no-op orchestrations the engine benchmarks time: only the engine's own cost is measured.</summary>
public static class BenchOrchestrations
{
    public const string FanOut = "FanOutNoop";
    public const string Chain = "ChainNoop";
    private const string Noop = "Noop";

    public static void Register(DurableTaskRegistry registry) =>
        registry
            .AddActivityFunc<int, int>(Noop, (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<int, int>(
                FanOut,
                async (ctx, count) =>
                {
                    var results = await Task.WhenAll(Enumerable.Range(1, count).Select(n => ctx.CallActivityAsync<int>(Noop, n)));
                    return results.Length;
                }
            )
            .AddOrchestratorFunc<int, int>(
                Chain,
                async (ctx, steps) =>
                {
                    var value = 0;
                    for (var i = 0; i < steps; i++)
                    {
                        value = await ctx.CallActivityAsync<int>(Noop, value + 1);
                    }

                    return value;
                }
            );
}
