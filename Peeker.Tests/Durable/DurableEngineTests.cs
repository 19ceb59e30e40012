using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Peeker.Durable.Hosting;
using Peeker.Durable.Retries;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Durable;

/// <summary>Our integration of DTFx on Azurite: the SDK client over DTFx, task registration, retries and timers.</summary>
public sealed class DurableEngineTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Schedule_SecondStartOfRunningId_IsRejectedAndFirstKeepsRunning()
    {
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r => r.AddOrchestratorFunc<string, string>("Wait", (ctx, _) => ctx.WaitForExternalEvent<string>("go"))
        );

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Wait", "first", new StartOrchestrationOptions("dup-1"));
        await host.WaitForStatusAsync("dup-1", OrchestrationRuntimeStatus.Running);

        await Assert.ThrowsAsync<DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException>(() =>
            host.Client.ScheduleNewOrchestrationInstanceAsync("Wait", "second", new StartOrchestrationOptions("dup-1"))
        );
        await host.Client.RaiseEventAsync("dup-1", "go", "done");
        var done = await host.WaitAsync("dup-1");

        Assert.Equal("\"first\"", done.SerializedInput);
        Assert.Equal("done", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task Retry_NonRetriableFailure_FailsAtOnce_RetriableFailureIsRetried()
    {
        var permanentCalls = 0;
        var transientCalls = 0;
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r =>
                r.AddActivityFunc<string, string>(
                        "Permanent",
                        (_, _) =>
                        {
                            Interlocked.Increment(ref permanentCalls);
                            return Task.FromException<string>(new ClassifiedException(retryable: false));
                        }
                    )
                    .AddActivityFunc<string, string>(
                        "Transient",
                        (_, _) =>
                            Interlocked.Increment(ref transientCalls) < 3
                                ? throw new ClassifiedException(retryable: true)
                                : Task.FromResult("ok")
                    )
                    .AddOrchestratorFunc<string, string>(
                        "Calls",
                        async (ctx, _) =>
                        {
                            var options = DurableRetry.Options(5, TimeSpan.FromMilliseconds(200));
                            var transient = await ctx.CallActivityAsync<string>("Transient", "x", options);
                            try
                            {
                                await ctx.CallActivityAsync<string>("Permanent", "x", options);
                                return "unexpected";
                            }
                            catch (TaskFailedException ex)
                            {
                                return $"{transient}|{ex.FailureDetails.ErrorType}|{ex.FailureDetails.ErrorMessage}";
                            }
                        }
                    )
        );

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Calls", "x", new StartOrchestrationOptions("retry-1"));
        var done = await host.WaitAsync("retry-1");

        Assert.Equal($"ok|{typeof(NonRetriableTaskException).FullName}|quota exceeded", done.ReadOutputAs<string>());
        Assert.Equal(1, permanentCalls);
        Assert.Equal(3, transientCalls);
    }

    [Fact]
    public async Task Timer_LongerThanMaximumInterval_IsSplitIntoShorterDurableTimers()
    {
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r =>
                r.AddOrchestratorFunc<string, string>(
                    "LongWait",
                    async (ctx, _) =>
                    {
                        await ctx.CreateTimer(TimeSpan.FromDays(31), CancellationToken.None);
                        return "fired";
                    }
                ),
            options => options.MaximumTimerInterval = TimeSpan.FromDays(3)
        );

        await host.Client.ScheduleNewOrchestrationInstanceAsync("LongWait", "x", new StartOrchestrationOptions("timer-31d"));
        await host.WaitForStatusAsync("timer-31d", OrchestrationRuntimeStatus.Running);
        IList<HistoryEvent> history = [];
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        while (!history.OfType<TimerCreatedEvent>().Any())
        {
            await Task.Delay(100, wait.Token);
            history = await host.Client.GetOrchestrationHistoryAsync("timer-31d", wait.Token);
        }

        var started = history.OfType<ExecutionStartedEvent>().Single().Timestamp;
        var timer = history.OfType<TimerCreatedEvent>().Single();
        Assert.InRange(
            timer.FireAt - started,
            TimeSpan.FromDays(3) - TimeSpan.FromMinutes(1),
            TimeSpan.FromDays(3) + TimeSpan.FromMinutes(1)
        );
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync("timer-31d"))!.RuntimeStatus);
    }

    [Fact]
    public async Task Query_ByPrefixAndStatus_PagesThroughMatchingInstancesOnly()
    {
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r => r.AddOrchestratorFunc<int, int>("Square", (_, n) => Task.FromResult(n * n))
        );
        foreach (var n in Enumerable.Range(1, 5))
        {
            await host.Client.ScheduleNewOrchestrationInstanceAsync("Square", n, new StartOrchestrationOptions($"sq-{n}"));
        }

        await host.Client.ScheduleNewOrchestrationInstanceAsync("Square", 9, new StartOrchestrationOptions("other-9"));
        foreach (var id in Enumerable.Range(1, 5).Select(n => $"sq-{n}").Append("other-9"))
        {
            await host.WaitAsync(id);
        }

        var pages = new List<Page<OrchestrationMetadata>>();
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = "sq-",
            Statuses = [OrchestrationRuntimeStatus.Completed],
            PageSize = 2,
            FetchInputsAndOutputs = true,
        };
        await foreach (var page in host.Client.GetAllInstancesAsync(query).AsPages(pageSizeHint: 2))
        {
            pages.Add(page);
        }

        var found = pages.SelectMany(p => p.Values).ToList();
        Assert.Equal(["sq-1", "sq-2", "sq-3", "sq-4", "sq-5"], found.Select(i => i.InstanceId).Order(StringComparer.Ordinal));
        Assert.True(pages.Count >= 3, $"expected pages of at most 2, got {pages.Count} page(s)");
        Assert.Equal(16, found.Single(i => i.InstanceId == "sq-4").ReadOutputAs<int>());
    }

    [Fact]
    public async Task Rewind_FailedInstance_RunsTheFailedActivityAgainAndCompletes()
    {
        var broken = 1;
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r =>
                r.AddActivityFunc<string, string>(
                        "Flaky",
                        (_, s) =>
                            Volatile.Read(ref broken) == 1 ? throw new InvalidOperationException("provider down") : Task.FromResult(s + "!")
                    )
                    .AddOrchestratorFunc<string, string>("OneStep", (ctx, s) => ctx.CallActivityAsync<string>("Flaky", s))
        );

        await host.Client.ScheduleNewOrchestrationInstanceAsync("OneStep", "hi", new StartOrchestrationOptions("rewind-1"));
        var failed = await host.WaitAsync("rewind-1");
        Volatile.Write(ref broken, 0);
        await host.Client.RewindInstanceAsync("rewind-1", "provider fixed");
        var done = await host.WaitForStatusAsync("rewind-1", OrchestrationRuntimeStatus.Completed);

        Assert.Equal(OrchestrationRuntimeStatus.Failed, failed.RuntimeStatus);
        Assert.Contains("provider down", failed.FailureDetails!.ErrorMessage, StringComparison.Ordinal);
        Assert.Equal("hi!", done.ReadOutputAs<string>());
    }

    [Fact]
    public async Task SuspendResumeTerminatePurge_ChangeTheInstanceAsDurableFunctionsDoes()
    {
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r => r.AddOrchestratorFunc<string, string>("Wait", (ctx, _) => ctx.WaitForExternalEvent<string>("go"))
        );
        await host.Client.ScheduleNewOrchestrationInstanceAsync("Wait", "x", new StartOrchestrationOptions("life-1"));
        await host.WaitForStatusAsync("life-1", OrchestrationRuntimeStatus.Running);

        await host.Client.SuspendInstanceAsync("life-1", "ops");
        await host.WaitForStatusAsync("life-1", OrchestrationRuntimeStatus.Suspended);
        await host.Client.ResumeInstanceAsync("life-1", "ops");
        await host.WaitForStatusAsync("life-1", OrchestrationRuntimeStatus.Running);
        await host.Client.TerminateInstanceAsync("life-1", "no longer needed");
        await host.WaitForStatusAsync("life-1", OrchestrationRuntimeStatus.Terminated);
        var purged = await host.Client.PurgeInstanceAsync("life-1");

        Assert.Equal(1, purged.PurgedInstanceCount);
        Assert.Null(await host.Client.GetInstanceAsync("life-1"));
    }

    [Fact]
    public async Task Worker_StorageUnreachable_KeepsRetryingAndReportsIt()
    {
        var dead = AzuriteFixture.UnreachableConnectionString;
        var services = new ServiceCollection();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = dead })
            .Build();
        services.AddSingleton<IConfiguration>(configuration).AddLogging();
        services.AddPeekerDurable(configuration, r => r.AddOrchestratorFunc<string, string>("Noop", (_, s) => Task.FromResult(s)));
        await using var provider = services.BuildServiceProvider();
        var worker = provider.GetServices<IHostedService>().Single();
        var hub = provider.GetRequiredService<DurableTaskHub>();

        await worker.StartAsync(CancellationToken.None);
        using var wait = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (hub.State != TaskHubState.StorageUnavailable)
        {
            await Task.Delay(50, wait.Token);
        }

        await worker.StopAsync(CancellationToken.None);
        Assert.NotNull(hub.LastError);
    }

    private sealed class ClassifiedException(bool retryable) : Exception(retryable ? "try later" : "quota exceeded"), IRetryClassified
    {
        public bool IsRetryable { get; } = retryable;
    }
}
