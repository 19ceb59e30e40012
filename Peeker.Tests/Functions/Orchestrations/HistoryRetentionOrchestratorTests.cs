using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Peeker.Activities.Retention;
using Peeker.Functions.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// The history-retention job in the real engine (DTFx on Azurite) with the real <see cref="PurgeHistory"/> activity; its
/// decisions (timer, continue-as-new) on a mocked context. The activity's clock is a <see cref="FakeTimeProvider"/> set
/// 90 days after a point between the old and the recent instances' creation, so nothing waits for real days.
/// </summary>
public sealed class HistoryRetentionOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Waiting = "Waiting";
    private const string Quick = "Quick";
    private const string Failing = "Failing";

    [Fact]
    public async Task Job_PurgesOldFinishedInstances_KeepsRecentRunningAndItself()
    {
        var time = new FakeTimeProvider();
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            Register,
            configureServices: s =>
            {
                s.AddSingleton<TimeProvider>(time);
                s.AddOptions<HistoryRetentionOptions>();
            }
        );
        var client = host.Client;
        var oldRunning = await client.ScheduleNewOrchestrationInstanceAsync(Waiting);
        await host.WaitForStatusAsync(oldRunning, OrchestrationRuntimeStatus.Running);
        var oldCompleted = await FinishedAsync(host, Quick, OrchestrationRuntimeStatus.Completed);
        var oldFailed = await FinishedAsync(host, Failing, OrchestrationRuntimeStatus.Failed);
        var oldTerminated = await client.ScheduleNewOrchestrationInstanceAsync(Waiting);
        await host.WaitForStatusAsync(oldTerminated, OrchestrationRuntimeStatus.Running);
        await client.TerminateInstanceAsync(oldTerminated);
        var lastOld = await host.WaitForStatusAsync(oldTerminated, OrchestrationRuntimeStatus.Terminated);
        var recent = await FinishedAsync(host, Quick, OrchestrationRuntimeStatus.Completed);
        var recentCreated = (await client.GetInstanceAsync(recent))!.CreatedAt;
        Assert.True(recentCreated > lastOld.CreatedAt, "the recent instance must be created after the old ones");
        time.SetUtcNow(lastOld.CreatedAt + ((recentCreated - lastOld.CreatedAt) / 2) + TimeSpan.FromDays(90));

        Assert.True(await HistoryRetentionStarter.EnsureStartedAsync(client, default));
        Assert.False(await HistoryRetentionStarter.EnsureStartedAsync(client, default));
        var job = await WaitForRunAsync(host);

        Assert.Equal(3, job.GetProperty("purged").GetInt32());
        Assert.Null(await client.GetInstanceAsync(oldCompleted));
        Assert.Null(await client.GetInstanceAsync(oldFailed));
        Assert.Null(await client.GetInstanceAsync(oldTerminated));
        Assert.Equal(OrchestrationRuntimeStatus.Completed, (await client.GetInstanceAsync(recent))?.RuntimeStatus);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await client.GetInstanceAsync(oldRunning))?.RuntimeStatus);
        Assert.Equal(
            OrchestrationRuntimeStatus.Running,
            (await client.GetInstanceAsync(HistoryRetentionOrchestrator.InstanceId))?.RuntimeStatus
        );
    }

    [Fact]
    public async Task Job_ShortInterval_RunsAgainAsANewExecution()
    {
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            Register,
            configureServices: s => s.AddOptions<HistoryRetentionOptions>().Configure(o => o.Interval = TimeSpan.FromSeconds(1))
        );

        await HistoryRetentionStarter.EnsureStartedAsync(host.Client, default);
        var second = await WaitForRunAsync(host, run: 2);

        Assert.Equal(0, second.GetProperty("purged").GetInt32());
        Assert.Equal(
            OrchestrationRuntimeStatus.Running,
            (await host.Client.GetInstanceAsync(HistoryRetentionOrchestrator.InstanceId))?.RuntimeStatus
        );
    }

    [Fact]
    public async Task Run_AfterThePurge_WaitsTheConfiguredIntervalThenContinuesAsNew()
    {
        var now = new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc);
        var context = Context(now);
        context
            .Setup(c => c.CallActivityAsync<PurgeHistoryResult>(nameof(PurgeHistory), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new PurgeHistoryResult(7, now.AddDays(-90), TimeSpan.FromHours(6)));

        await new HistoryRetentionOrchestrator().RunAsync(context.Object, new HistoryRetentionInput(4, TimeSpan.FromDays(1)));

        context.Verify(
            c =>
                c.CallActivityAsync<PurgeHistoryResult>(
                    nameof(PurgeHistory),
                    It.Is<PurgeHistoryInput>(i => i.JobInstanceId == HistoryRetentionOrchestrator.InstanceId),
                    It.IsAny<TaskOptions?>()
                ),
            Times.Once
        );
        context.Verify(c => c.CreateTimer(now.AddHours(6), CancellationToken.None), Times.Once);
        context.Verify(c => c.ContinueAsNew(new HistoryRetentionInput(5, TimeSpan.FromHours(6)), false), Times.Once);
    }

    [Fact]
    public async Task Run_PurgeFailedAfterItsRetries_StillWaitsTheLastIntervalAndContinues()
    {
        var now = new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc);
        var context = Context(now);
        context
            .Setup(c => c.CallActivityAsync<PurgeHistoryResult>(nameof(PurgeHistory), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ThrowsAsync(
                new TaskFailedException(
                    nameof(PurgeHistory),
                    1,
                    new TaskFailureDetails("Azure.RequestFailedException", "storage down", null, null, null)
                )
            );

        await new HistoryRetentionOrchestrator().RunAsync(context.Object, new HistoryRetentionInput(2, TimeSpan.FromHours(12)));

        context.Verify(c => c.CreateTimer(now.AddHours(12), CancellationToken.None), Times.Once);
        context.Verify(c => c.ContinueAsNew(new HistoryRetentionInput(3, TimeSpan.FromHours(12)), false), Times.Once);
    }

    private static Mock<TaskOrchestrationContext> Context(DateTime now)
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Strict);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(now);
        context.SetupGet(c => c.InstanceId).Returns(HistoryRetentionOrchestrator.InstanceId);
        context.Setup(c => c.SetCustomStatus(It.IsAny<object?>()));
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()));
        return context;
    }

    private static void Register(DurableTaskRegistry registry) =>
        registry
            .AddOrchestrator<HistoryRetentionOrchestrator>()
            .AddActivity<PurgeHistory>()
            .AddOrchestratorFunc(Quick, _ => Task.FromResult("done"))
            .AddOrchestratorFunc<object?, string>(Failing, (_, _) => Task.FromException<string>(new InvalidOperationException("boom")))
            .AddOrchestratorFunc(Waiting, context => context.WaitForExternalEvent<string>("never"));

    private static async Task<string> FinishedAsync(DurableTestHost host, string name, OrchestrationRuntimeStatus status)
    {
        var id = await host.Client.ScheduleNewOrchestrationInstanceAsync(name);
        Assert.Equal(status, (await host.WaitAsync(id)).RuntimeStatus);
        return id;
    }

    /// <summary>Waits for the job's run number <paramref name="run"/> to show in its custom status.</summary>
    private static async Task<JsonElement> WaitForRunAsync(DurableTestHost host, int run = 1)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var job = await host.Client.GetInstanceAsync(HistoryRetentionOrchestrator.InstanceId, false, cts.Token);
            if (
                job?.SerializedCustomStatus is { Length: > 0 } status
                && JsonDocument.Parse(status).RootElement is { ValueKind: JsonValueKind.Object } parsed
                && parsed.GetProperty("runs").GetInt32() >= run
            )
            {
                Assert.False(parsed.TryGetProperty("error", out var error), error.ToString());
                return parsed;
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
