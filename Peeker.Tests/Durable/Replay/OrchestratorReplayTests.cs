using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Provisioning;
using Peeker.Durable.Replay;
using Peeker.Functions.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Support;

namespace Peeker.Tests.Durable.Replay;

/// <summary>
/// Replays the checked-in histories in <c>Histories/</c> (one finished instance of each orchestrator, recorded on DTFx
/// over Azurite with fake activities) through the current orchestrator classes, created from the host's registration
/// as the worker creates them, in DTFx's own executor. An edit that changes what an orchestrator schedules, in what
/// order, for an instance already in flight fails here. Re-record with
/// <c>dotnet run --project Peeker.Benchmarks -- --record-histories</c> (it rewrites <c>Histories/*.json</c>), and only
/// deliberately, with a versioning plan for the instances in flight.
/// </summary>
/// <remarks>
/// Re-recording is never the fix for a red test: the new files make the test pass for the new code, while the
/// histories already in storage still replay the old way. The plan is a new orchestrator name or version for new
/// instances, or draining the old ones first; say which in the commit message.
/// </remarks>
public sealed class OrchestratorReplayTests
{
    public static TheoryData<string> Orchestrators =>
        [
            nameof(ProvisionOrderOrchestrator),
            nameof(ProvisionDomainOrchestrator),
            nameof(CancelOrderOrchestrator),
            nameof(ForwardingJobOrchestrator),
            nameof(ImportDomainsOrchestrator),
            nameof(DeliverWebhookOrchestrator),
        ];

    /// <summary>The checked-in history of <paramref name="orchestrator"/>, oldest event first.</summary>
    public static IList<HistoryEvent> Load(string orchestrator) =>
        OrchestrationReplayer.ReadHistory(
            File.ReadAllText(Path.Combine(RepoPaths.Root, "Peeker.Tests", "Durable", "Replay", "Histories", $"{orchestrator}.json"))
        );

    [Theory]
    [MemberData(nameof(Orchestrators))]
    public void Replay_RecordedHistory_CompletesDeterministicallyWithTheRecordedResult(string orchestrator)
    {
        var history = Load(orchestrator);
        var recorded = Assert.Single(history.OfType<ExecutionCompletedEvent>());

        var result = OrchestrationReplayer.Replay(orchestrator, CreateAsTheWorkerDoes(orchestrator), history);

        Assert.False(result.IsNonDeterministic, result.Failure?.ErrorMessage);
        Assert.Null(result.Failure);
        Assert.True(
            result.Actions.Count == 1,
            "the replay should only complete, but took: " + string.Join(", ", result.Actions.Select(Describe))
        );
        var completion = Assert.IsType<OrchestrationCompleteOrchestratorAction>(result.Actions[0]);
        Assert.Equal(OrchestrationStatus.Completed, recorded.OrchestrationStatus);
        Assert.Equal(OrchestrationStatus.Completed, completion.OrchestrationStatus);
        Assert.Equal(recorded.Result, completion.Result);
    }

    /// <summary>Each history took the path it was recorded for (a trivial history would replay vacuously).</summary>
    [Theory]
    [InlineData(nameof(ProvisionOrderOrchestrator), "SubOrchestrationInstanceCompleted", 2)] // a Google and a Microsoft domain
    [InlineData(nameof(ProvisionDomainOrchestrator), "TimerFired", 1)] // the zone was pending at the first check
    [InlineData(nameof(ProvisionDomainOrchestrator), "TaskScheduled:OpenPendingAction", 1)] // a profile picture could not be fetched
    [InlineData(nameof(CancelOrderOrchestrator), "TimerCreated", 0)] // cancels_at had passed
    [InlineData(nameof(ForwardingJobOrchestrator), "TaskFailed", 1)] // Cloudflare refused one domain
    [InlineData(nameof(ImportDomainsOrchestrator), "TaskScheduled:CheckImportZones", 2)] // active at the second check
    [InlineData(nameof(DeliverWebhookOrchestrator), "TaskScheduled:PostWebhook", 3)] // two failed attempts, then delivered
    public void RecordedHistory_TookItsRecordedPath(string orchestrator, string events, int expected)
    {
        var (type, name) = events.Split(':') is [var t, var n] ? (t, n) : (events, null);

        var count = Load(orchestrator)
            .Count(e => e.EventType.ToString() == type && (name is null || (e as TaskScheduledEvent)?.Name == name));

        Assert.Equal(expected, count);
    }

    [Fact]
    public void Replay_EditedOrchestratorThatSkipsAStep_IsNonDeterministic()
    {
        var history = Load(nameof(ForwardingJobOrchestrator));

        var result = OrchestrationReplayer.Replay(nameof(ForwardingJobOrchestrator), new ForwardingJobWithoutTargetCheck(), history);

        Assert.True(result.IsNonDeterministic, result.Failure?.ErrorMessage ?? "the replay did not fail");
        Assert.Contains(nameof(CheckForwardingTarget), result.Failure!.ErrorMessage, StringComparison.Ordinal);
    }

    /// <summary>The orchestrator as the worker gets it: the host's registration, activated from a service provider.</summary>
    private static ITaskOrchestrator CreateAsTheWorkerDoes(string orchestrator)
    {
        var registry = new DurableTaskRegistry();
        EngineComposition.RegisterTasks(registry);
        using var services = new ServiceCollection().BuildServiceProvider();
        return Assert.Single(registry.GetOrchestrators(), o => o.Key.Name == orchestrator).Value(services);
    }

    private static string Describe(OrchestratorAction action) =>
        action switch
        {
            ScheduleTaskOrchestratorAction task => $"activity {task.Name} #{task.Id}",
            CreateSubOrchestrationAction sub => $"sub-orchestration {sub.Name} #{sub.Id}",
            CreateTimerOrchestratorAction timer => $"timer until {timer.FireAt:O} #{timer.Id}",
            OrchestrationCompleteOrchestratorAction done =>
                $"{done.OrchestrationStatus}: {done.Result ?? done.FailureDetails?.ErrorMessage}",
            _ => action.GetType().Name,
        };

    /// <summary>
    /// <see cref="ForwardingJobOrchestrator"/> as a careless edit might leave it: the target check dropped, so the
    /// redirects are scheduled where the history has the check.
    /// </summary>
    private sealed class ForwardingJobWithoutTargetCheck : TaskOrchestrator<ForwardingJobRef, ForwardingJobOutcome>
    {
        public override async Task<ForwardingJobOutcome> RunAsync(TaskOrchestrationContext context, ForwardingJobRef input)
        {
            var job = await context.LoadForwardingJobAsync(input, ProvisioningRetries.Storage);
            await Task.WhenAll(
                job.Domains.Select(d =>
                    context.ApplyForwardingAsync(new ApplyForwardingInput(input, d, job.ForwardingUrl), ProvisioningRetries.Provider)
                )
            );
            var done = await context.FinishForwardingJobAsync(input, ProvisioningRetries.Storage);
            return new ForwardingJobOutcome(input.JobId, done.Status, done.CompletedCount, done.FailedCount);
        }
    }
}
