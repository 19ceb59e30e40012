using Peeker.Durable;
using Peeker.Durable.Replay;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Durable;

public sealed class ReplayerTests
{
    [Fact]
    public async Task Replay_RecordedHistory_SameCodeSucceeds_ChangedCodeNamesTheEvent()
    {
        await using var host = await DurableTestHost.StartInMemoryAsync(r => r
            .AddActivityFunc<int, int>("A", (_, n) => Task.FromResult(n + 1))
            .AddOrchestratorFunc<int, int>("Two", async (ctx, n) => await ctx.CallActivityAsync<int>("A", await ctx.CallActivityAsync<int>("A", n))));
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Two", 1);
        await host.WaitAsync(id);
        var exported = OrchestrationReplayer.Export(await host.Client.GetOrchestrationHistoryAsync(id));
        var history = OrchestrationReplayer.Import(exported);

        var same = OrchestrationReplayer.Replay(new Orchestrator(changed: false), history);
        var error = Assert.Throws<NonDeterministicOrchestrationException>(() => OrchestrationReplayer.Replay(new Orchestrator(changed: true), history));

        Assert.Equal(OrchestrationRuntimeStatus.Completed, same);
        Assert.Contains("#1", error.Message, StringComparison.Ordinal);
        Assert.Contains("TaskScheduled 'A'", error.Message, StringComparison.Ordinal);
        Assert.Contains("TaskScheduled 'B'", error.Message, StringComparison.Ordinal);
    }

    private sealed class Orchestrator(bool changed) : TaskOrchestrator<int, int>
    {
        public override async Task<int> RunAsync(TaskOrchestrationContext context, int input)
        {
            var first = await context.CallActivityAsync<int>("A", input);
            return await context.CallActivityAsync<int>(changed ? "B" : "A", first);
        }
    }
}
