using Peeker.Durable;
using Peeker.Durable.History;

namespace Peeker.Tests.Durable;

public abstract partial class EngineConformanceTests
{
    [Fact]
    public async Task RetryPolicy_FailsTwiceThenSucceeds_RetriesOnDurableTimers()
    {
        var attempts = 0;
        var first = LongDelay;
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, string>("Flaky", (_, _) => Interlocked.Increment(ref attempts) < 3
                ? throw new InvalidOperationException("transient")
                : Task.FromResult("ok"))
            .AddOrchestratorFunc<int, string>("Retrying", (ctx, _) => ctx.CallActivityAsync<string>(
                "Flaky", 0, TaskOptions.FromRetryPolicy(new RetryPolicy(5, first, backoffCoefficient: 2)))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", 0);
        var result = await host.WaitAsync(id);

        Assert.Equal("ok", result.ReadOutputAs<string>());
        Assert.Equal(3, attempts);
        var history = await host.Client.GetOrchestrationHistoryAsync(id);
        Assert.Equal(2, history.Count(e => e.EventType == EventType.TimerFired));
        Assert.Equal(3, history.Count(e => e.EventType == EventType.TaskScheduled));
    }

    [Fact]
    public async Task RetryPolicy_Exhausted_FailsInstanceWithLastFailure()
    {
        var attempts = 0;
        var first = LongDelay;
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, string>("Broken", (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new InvalidOperationException("always broken");
            })
            .AddOrchestratorFunc<int, string>("Retrying", (ctx, _) => ctx.CallActivityAsync<string>(
                "Broken", 0, TaskOptions.FromRetryPolicy(new RetryPolicy(3, first)))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", 0);
        var result = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(3, attempts);
        Assert.Contains("always broken", result.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RetryPolicy_NonRetriableFailure_IsNotRetried()
    {
        var attempts = 0;
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, string>("Rejected", (_, _) =>
            {
                Interlocked.Increment(ref attempts);
                throw new PermanentTestException();
            })
            .AddOrchestratorFunc<int, string>("Retrying", (ctx, _) => ctx.CallActivityAsync<string>(
                "Rejected", 0, TaskOptions.FromRetryPolicy(new RetryPolicy(5, TimeSpan.FromSeconds(1))))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", 0);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.WaitAsync(id)).RuntimeStatus);
        Assert.Equal(1, attempts);
    }

    [Fact]
    public async Task CustomRetryHandler_DecidesFromFailureDetails()
    {
        var attempts = 0;
        var step = ShortDelay;
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, string>("Flaky", (_, _) => Interlocked.Increment(ref attempts) < 4
                ? throw new TimeoutException("slow")
                : Task.FromResult("ok"))
            .AddOrchestratorFunc<int, string>("Retrying", (ctx, _) => ctx.CallActivityAsync<string>(
                "Flaky", 0, TaskOptions.FromRetryHandler(async retry =>
                {
                    await retry.OrchestrationContext.CreateTimer(step * retry.LastAttemptNumber, CancellationToken.None);
                    return retry.LastFailure.IsCausedBy<TimeoutException>() && retry.LastAttemptNumber < 5;
                }))));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Retrying", 0);

        Assert.Equal("ok", (await host.WaitAsync(id)).ReadOutputAs<string>());
        Assert.Equal(4, attempts);
    }

    [Fact]
    public async Task CatchAndCompensate_ActivityFails_CompensationRuns()
    {
        var compensated = new List<string>();
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<string, string>("Buy", (_, d) => Task.FromResult(d))
            .AddActivityFunc<string, string>("Configure", (_, d) => throw new InvalidOperationException($"cannot configure {d}"))
            .AddActivityFunc<string, string>("Refund", (_, d) =>
            {
                lock (compensated)
                {
                    compensated.Add(d);
                }

                return Task.FromResult(d);
            })
            .AddOrchestratorFunc<string, string>("Saga", async (ctx, domain) =>
            {
                await ctx.CallActivityAsync<string>("Buy", domain);
                try
                {
                    await ctx.CallActivityAsync<string>("Configure", domain);
                    return "configured";
                }
                catch (TaskFailedException ex) when (ex.FailureDetails.IsCausedBy<InvalidOperationException>())
                {
                    await ctx.CallActivityAsync<string>("Refund", domain);
                    return $"refunded after: {ex.FailureDetails.ErrorMessage}";
                }
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Saga", "acme.com");

        Assert.Equal("refunded after: cannot configure acme.com", (await host.WaitAsync(id)).ReadOutputAs<string>());
        Assert.Equal(["acme.com"], compensated);
    }

    [Fact]
    public async Task ContinueAsNew_CountsToFive_KeepsInstanceIdAndResetsHistory()
    {
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, int>("Inc", (_, n) => Task.FromResult(n + 1))
            .AddOrchestratorFunc<int, int>("Counter", async (ctx, n) =>
            {
                var next = await ctx.CallActivityAsync<int>("Inc", n);
                if (next < 5)
                {
                    ctx.ContinueAsNew(next);
                }

                return next;
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Counter", 0, new StartOrchestrationOptions("counter"));
        var result = await host.WaitAsync(id);

        Assert.Equal(5, result.ReadOutputAs<int>());
        var history = await host.Client.GetOrchestrationHistoryAsync(id);
        Assert.Single(history, e => e.EventType == EventType.ExecutionStarted);
        Assert.Equal(4, history.Single(e => e.EventType == EventType.ExecutionStarted).Generation);
    }

    [Fact]
    public async Task Terminate_RunningInstance_EndsTerminatedWithReason()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, string>("Forever", (ctx, _) => ctx.WaitForExternalEvent<string>("never")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", 0);
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);
        await host.Client.TerminateInstanceAsync(id, "ops stopped it");
        var result = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Terminated, result.RuntimeStatus);
        Assert.Equal("ops stopped it", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SuspendResume_EventsWhileSuspended_AreActedOnAfterResume()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, string>("Waiter", (ctx, _) => ctx.WaitForExternalEvent<string>("go")));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Waiter", 0);
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);
        await host.Client.SuspendInstanceAsync(id, "maintenance");
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Suspended);
        await host.Client.RaiseEventAsync(id, "go", "went");
        await Task.Delay(300);
        var stillSuspended = await host.Client.GetInstanceAsync(id);
        await host.Client.ResumeInstanceAsync(id);
        var result = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Suspended, stillSuspended!.RuntimeStatus);
        Assert.Equal("went", result.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Purge_CompletedInstance_RemovesStateAndHistory_RunningIsKept()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, int>("Quick", (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<int, string>("Forever", (ctx, _) => ctx.WaitForExternalEvent<string>("never")));

        var done = await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", 1);
        await host.WaitAsync(done);
        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", 0);
        await host.WaitForStatusAsync(running, OrchestrationRuntimeStatus.Running);

        Assert.Equal(1, (await host.Client.PurgeInstanceAsync(done)).PurgedInstanceCount);
        Assert.Equal(0, (await host.Client.PurgeInstanceAsync(running)).PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync(done));
        Assert.Empty(await host.Client.GetOrchestrationHistoryAsync(done));
        Assert.NotNull(await host.Client.GetInstanceAsync(running));
    }

    [Fact]
    public async Task Rewind_FailedInstance_RerunsFailedActivityAndCompletes()
    {
        var broken = true;
        var okRuns = 0;
        await using var host = await StartHostAsync(r => r
            .AddActivityFunc<int, int>("Ok", (_, n) =>
            {
                Interlocked.Increment(ref okRuns);
                return Task.FromResult(n);
            })
            .AddActivityFunc<int, int>("Fragile", (_, n) => Volatile.Read(ref broken) ? throw new InvalidOperationException("down") : Task.FromResult(n * 10))
            .AddOrchestratorFunc<int, int>("Pipeline", async (ctx, n) =>
            {
                var a = await ctx.CallActivityAsync<int>("Ok", n);
                return await ctx.CallActivityAsync<int>("Fragile", a);
            }));

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Pipeline", 4);
        Assert.Equal(OrchestrationRuntimeStatus.Failed, (await host.WaitAsync(id)).RuntimeStatus);
        Volatile.Write(ref broken, false);
        await host.Client.RewindInstanceAsync(id, "provider is back");
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Completed);
        var result = await host.WaitAsync(id);

        Assert.Equal(40, result.ReadOutputAs<int>());
        Assert.Equal(1, okRuns);
    }

    [Fact]
    public async Task Query_ByStatusAndCreatedTime_PagesThroughEveryMatch()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, int>("Quick", (_, n) => Task.FromResult(n))
            .AddOrchestratorFunc<int, string>("Forever", (ctx, _) => ctx.WaitForExternalEvent<string>("never")));
        var completed = new List<string>();
        for (var i = 0; i < 5; i++)
        {
            completed.Add(await host.Client.ScheduleNewOrchestrationInstanceAsync("Quick", i, new StartOrchestrationOptions($"q-{i}")));
        }

        var running = await host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", 0, new StartOrchestrationOptions("q-running"));
        foreach (var id in completed)
        {
            await host.WaitAsync(id);
        }

        await host.WaitForStatusAsync(running, OrchestrationRuntimeStatus.Running);
        var first = await host.Client.GetInstanceAsync("q-0");

        var found = new List<string>();
        var query = new OrchestrationQuery
        {
            Statuses = [OrchestrationRuntimeStatus.Completed],
            CreatedFrom = first!.CreatedAt.AddMinutes(-1),
            CreatedTo = first.CreatedAt.AddDays(365),
            PageSize = 2,
        };
        var pages = 0;
        while (true)
        {
            var page = await host.Client.QueryInstancesAsync(query);
            pages++;
            found.AddRange(page.Instances.Select(i => i.InstanceId));
            if (page.ContinuationToken is null)
            {
                break;
            }

            query = query with { ContinuationToken = page.ContinuationToken };
        }

        Assert.Equal(completed.Order(StringComparer.Ordinal), found.Order(StringComparer.Ordinal));
        Assert.True(pages >= 3, $"{pages} pages");
        var none = await host.Client.QueryInstancesAsync(new OrchestrationQuery { CreatedTo = first.CreatedAt.AddDays(-1) });
        Assert.Empty(none.Instances);
    }

    [Fact]
    public async Task Start_SameIdWhileRunning_IsRejected()
    {
        await using var host = await StartHostAsync(r => r
            .AddOrchestratorFunc<int, string>("Forever", (ctx, _) => ctx.WaitForExternalEvent<string>("never")));

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", 0, new StartOrchestrationOptions("only-once"));

        var error = await Assert.ThrowsAsync<OrchestrationAlreadyExistsException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Forever", 1, new StartOrchestrationOptions("only-once")));
        Assert.Equal("only-once", error.InstanceId);
    }

    [Fact]
    public async Task Replay_CodeChangedBetweenEpisodes_FailsWithEventIdExpectedAndActual()
    {
        var version = 1;
        await using var host = await StartHostAsync(
            r => r
                .AddActivityFunc<int, int>("StepA", (_, n) => Task.FromResult(n))
                .AddActivityFunc<int, int>("StepB", (_, n) => Task.FromResult(n))
                .AddOrchestratorFunc<int, int>("Changing", async (ctx, _) =>
                {
                    await ctx.CallActivityAsync<int>(Volatile.Read(ref version) == 1 ? "StepA" : "StepB", 1);
                    return await ctx.WaitForExternalEvent<int>("continue");
                }),
            options => options.ExtendedSessionsEnabled = false);

        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync("Changing", 0);
        await WaitForHistoryAsync(host, id, EventType.TaskCompleted);
        Volatile.Write(ref version, 2);
        await host.Client.RaiseEventAsync(id, "continue", 1);
        var result = await host.WaitAsync(id);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, result.RuntimeStatus);
        Assert.Equal(typeof(NonDeterministicOrchestrationException).FullName, result.FailureDetails!.ErrorType);
        Assert.Contains("#0", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("TaskScheduled 'StepA'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
        Assert.Contains("TaskScheduled 'StepB'", result.FailureDetails.ErrorMessage, StringComparison.Ordinal);
    }

    private static async Task WaitForHistoryAsync(Support.DurableTestHost host, string id, EventType type)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (!(await host.Client.GetOrchestrationHistoryAsync(id, cts.Token)).Any(e => e.EventType == type))
        {
            await Task.Delay(20, cts.Token);
        }
    }

    private sealed class PermanentTestException : Exception, IRetryClassified
    {
        public PermanentTestException()
            : base("permanent")
        {
        }

        public bool IsRetryable => false;
    }
}
