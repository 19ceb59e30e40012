using System.Collections.Concurrent;
using Peeker.Durable;
using Peeker.Durable.Hosting;
using Peeker.Tests.Durable.Support;

namespace Peeker.Tests.Durable;

/// <summary>
/// The engine's behaviour, written once against the backend interface. Each backend runs it through a subclass.
/// </summary>
public abstract partial class EngineConformanceTests
{
    /// <summary>Starts a worker and client on a fresh hub of the backend under test.</summary>
    protected abstract Task<DurableTestHost> StartHostAsync(Action<DurableTaskRegistry> register, Action<DurableTaskOptions>? configure = null);

    /// <summary>A delay that is long in orchestration time; backends on a real clock shorten it.</summary>
    protected virtual TimeSpan LongDelay => TimeSpan.FromHours(1);

    /// <summary>A short orchestration delay (retry-handler back-off steps); backends on a real clock shorten it.</summary>
    protected virtual TimeSpan ShortDelay => TimeSpan.FromMinutes(1);

    [Fact]
    public async Task ActivityChain_ThreeSteps_PassesEachResultToTheNext()
    {
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<string, string>("Append", (_, s) => Task.FromResult(s + "!"))
            .AddOrchestratorFunc<string, string>("Chain", async (ctx, input) =>
            {
                var a = await ctx.CallActivityAsync<string>("Append", input);
                var b = await ctx.CallActivityAsync<string>("Append", a);
                return await ctx.CallActivityAsync<string>("Append", b);
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Chain", "go");
        var result = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal("go!!!", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task FanOutFanIn_1000Activities_SumsEveryResult()
    {
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, int>("Square", (_, n) => Task.FromResult(n * n))
            .AddOrchestratorFunc<int, long>("FanOut", async (ctx, count) =>
            {
                var tasks = Enumerable.Range(1, count).Select(n => ctx.CallActivityAsync<int>("Square", n)).ToList();
                var results = await Task.WhenAll(tasks);
                return results.Sum(x => (long)x);
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("FanOut", 1000);
        var result = await host.WaitAsync(id, timeoutSeconds: 300);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(Enumerable.Range(1, 1000).Sum(n => (long)n * n), result.ReadOutputAs<long>());
    }

    [Fact]
    public async Task SubOrchestration_PinnedAndDerivedIds_ReturnChildOutputs()
    {
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, int>("Double", (_, n) => Task.FromResult(n * 2))
            .AddOrchestratorFunc<int, int>("Child", (ctx, n) => ctx.CallActivityAsync<int>("Double", n))
            .AddOrchestratorFunc<int, int>("Parent", async (ctx, n) =>
            {
                var pinned = await ctx.CallSubOrchestratorAsync<int>("Child", n, new SubOrchestrationOptions($"{ctx.InstanceId}-child"));
                var derived = await ctx.CallSubOrchestratorAsync<int>("Child", pinned);
                return derived;
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 5, new StartOrchestrationOptions("parent-1"));
        var result = await host.WaitAsync(id);

        Assert.Equal(20, result.ReadOutputAs<int>());
        var child = await host.Client.GetInstanceAsync("parent-1-child", getInputsAndOutputs: true);
        Assert.NotNull(child);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, child.RuntimeStatus);
        Assert.Equal(10, child.ReadOutputAs<int>());
    }

    [Fact]
    public async Task SubOrchestration_ChildFails_ParentCatchesTaskFailedException()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, int>("BadChild", (_, _) => throw new InvalidOperationException("child broke"))
            .AddOrchestratorFunc<int, string>("Parent", async (ctx, _) =>
            {
                try
                {
                    await ctx.CallSubOrchestratorAsync<int>("BadChild", 1);
                    return "no error";
                }
                catch (TaskFailedException ex)
                {
                    return ex.FailureDetails.ErrorMessage;
                }
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Parent", 0);

        Assert.Equal("child broke", (await host.WaitAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task Timer_LongDelay_FiresAndAdvancesCurrentUtcDateTime()
    {
        var delay = LongDelay;
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, double>("Sleeper", async (ctx, _) =>
            {
                var before = ctx.CurrentUtcDateTime;
                await ctx.CreateTimer(delay, CancellationToken.None);
                return (ctx.CurrentUtcDateTime - before).TotalSeconds;
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Sleeper", 0);
        var result = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.True(result.ReadOutputAs<double>() >= delay.TotalSeconds, $"slept {result.ReadOutputAs<double>()} s");
    }

    [Fact]
    public async Task ExternalEvent_Raised_IsReturnedToTheWaiter()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, string>("Approval", async (ctx, _) => await ctx.WaitForExternalEvent<string>("Approved")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", 0);
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);
        await host.Client.RaiseEventAsync(id, "approved", "by ops");

        Assert.Equal("by ops", (await host.WaitAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task ExternalEvent_NotRaisedBeforeTimeout_ThrowsTaskCanceledInOrchestrator()
    {
        var timeout = LongDelay;
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, string>("Approval", async (ctx, _) =>
            {
                try
                {
                    return await ctx.WaitForExternalEvent<string>("Approved", timeout);
                }
                catch (TaskCanceledException)
                {
                    return "timed out";
                }
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Approval", 0);

        Assert.Equal("timed out", (await host.WaitAsync(id)).ReadOutputAs<string>());
    }

    [Fact]
    public async Task LargePayloads_OneMegabyte_RoundTripThroughActivityAndOutput()
    {
        var big = new string('x', 1024 * 1024);
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<string, string>("Echo", (_, s) => Task.FromResult(s + "y"))
            .AddOrchestratorFunc<string, string>("Big", (ctx, s) => ctx.CallActivityAsync<string>("Echo", s)));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Big", big);
        var result = await host.WaitAsync(id, timeoutSeconds: 120);

        Assert.Equal(OrchestrationRuntimeStatus.Completed, result.RuntimeStatus);
        Assert.Equal(big + "y", result.ReadOutputAs<string>());
        Assert.Equal(big, result.ReadInputAs<string>());
    }

    [Fact]
    public async Task Activity_IdempotencyKey_IsInstanceAndTaskId()
    {
        var keys = new ConcurrentBag<string>();
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, int>("Record", (ctx, n) =>
            {
                keys.Add(ctx.IdempotencyKey);
                return Task.FromResult(n);
            })
            .AddOrchestratorFunc<int, int>("Keys", async (ctx, _) =>
            {
                await ctx.CallActivityAsync<int>("Record", 1);
                return await ctx.CallActivityAsync<int>("Record", 2);
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Keys", 0, new StartOrchestrationOptions("keys-1"));
        await host.WaitAsync(id);

        Assert.Equal(["keys-1:0", "keys-1:1"], keys.Order(StringComparer.Ordinal));
    }
}
