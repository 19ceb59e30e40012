using DurableTask.Core;
using DurableTask.Core.Command;
using DurableTask.Core.Exceptions;
using DurableTask.Core.History;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Worker;
using Microsoft.DurableTask.Worker.Shims;
using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable.Hosting;
using CoreJsonDataConverter = DurableTask.Core.Serializing.JsonDataConverter;

namespace Peeker.Durable.Replay;

/// <summary>What a replay of recorded history decided.</summary>
/// <param name="Actions">The actions the code took that the history does not already hold (none for a finished instance but its completion).</param>
/// <param name="Failure">Set when the code failed during replay; a non-deterministic edit fails with DTFx's <c>NonDeterministicOrchestrationException</c>.</param>
public sealed record ReplayResult(IReadOnlyList<OrchestratorAction> Actions, FailureDetails? Failure)
{
    /// <summary>
    /// True when DTFx found that the code no longer matches the history: at a sequence number where the history has a
    /// task, timer or sub-orchestration, the code scheduled something else or nothing. Steps added after the end of
    /// the history are not a mismatch (an instance in flight would simply run them): they show up in
    /// <see cref="Actions"/> instead of the completion.
    /// </summary>
    public bool IsNonDeterministic => Failure?.ErrorType == typeof(NonDeterministicOrchestrationException).FullName;
}

/// <summary>
/// Replays a recorded history through DTFx's own <see cref="TaskOrchestrationExecutor"/>, with the orchestrator
/// bridged by the SDK's shim exactly as the worker runs it: the test that a code change is still deterministic for
/// instances already in flight.
/// </summary>
public static class OrchestrationReplayer
{
    /// <summary>Replays <paramref name="history"/> (oldest first) through <paramref name="orchestrator"/> registered as <paramref name="name"/>.</summary>
    /// <param name="name">The registered name of the orchestrator.</param>
    /// <param name="orchestrator">The orchestrator, created as the worker creates it.</param>
    /// <param name="history">The recorded events, oldest first.</param>
    /// <param name="maximumTimerInterval">
    /// The host's <c>extensions.durableTask.maximumTimerInterval</c> (the default when null): the SDK splits longer
    /// timers into timers of this length, so a replay with another value diverges at the first long timer.
    /// </param>
    public static ReplayResult Replay(
        string name,
        ITaskOrchestrator orchestrator,
        IList<HistoryEvent> history,
        TimeSpan? maximumTimerInterval = null
    )
    {
        ArgumentNullException.ThrowIfNull(history);
        var options = new DurableTaskWorkerOptions
        {
            DataConverter = DurableDataConverter.Sdk,
            MaximumTimerInterval = maximumTimerInterval ?? new DurableTaskOptions().MaximumTimerInterval,
        };
        var shims = new DurableTaskShimFactory(options, NullLoggerFactory.Instance);
        var orchestration = shims.CreateOrchestration(name, orchestrator);
        var state = new OrchestrationRuntimeState(history);
        var executor = new TaskOrchestrationExecutor(
            state,
            orchestration,
            BehaviorOnContinueAsNew.Carryover,
            ErrorPropagationMode.UseFailureDetails
        );
        var result = executor.Execute();
        var actions = result.Actions.ToList();
        var failure = actions
            .OfType<OrchestrationCompleteOrchestratorAction>()
            .FirstOrDefault(a => a.OrchestrationStatus == OrchestrationStatus.Failed)
            ?.FailureDetails;
        return new ReplayResult(actions, failure);
    }

    /// <summary>Reads a history written by <see cref="WriteHistory"/>.</summary>
    public static IList<HistoryEvent> ReadHistory(string json) => CoreJsonDataConverter.Default.Deserialize<List<HistoryEvent>>(json);

    /// <summary>Writes history with DTFx's typed JSON (each event names its class), the format checked in for replay tests.</summary>
    public static string WriteHistory(IEnumerable<HistoryEvent> history) =>
        CoreJsonDataConverter.Default.Serialize(history.ToList(), formatted: true);
}
