using DurableTask.Core;
using DurableTask.Core.Command;
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
    /// <summary>True when DTFx found that the code no longer matches the history.</summary>
    public bool IsNonDeterministic => Failure?.ErrorType?.EndsWith("NonDeterministicOrchestrationException", StringComparison.Ordinal) == true
        || Failure?.ErrorMessage?.Contains("non-deterministic", StringComparison.OrdinalIgnoreCase) == true;
}

/// <summary>
/// Replays a recorded history through DTFx's own <see cref="TaskOrchestrationExecutor"/>, with the orchestrator
/// bridged by the SDK's shim exactly as the worker runs it: the test that a code change is still deterministic for
/// instances already in flight.
/// </summary>
public static class OrchestrationReplayer
{
    /// <summary>Replays <paramref name="history"/> (oldest first) through <paramref name="orchestrator"/> registered as <paramref name="name"/>.</summary>
    public static ReplayResult Replay(string name, ITaskOrchestrator orchestrator, IList<HistoryEvent> history)
    {
        ArgumentNullException.ThrowIfNull(history);
        var shims = new DurableTaskShimFactory(new DurableTaskWorkerOptions { DataConverter = DurableDataConverter.Sdk }, NullLoggerFactory.Instance);
        var orchestration = shims.CreateOrchestration(name, orchestrator);
        var state = new OrchestrationRuntimeState(history);
        var executor = new TaskOrchestrationExecutor(state, orchestration, BehaviorOnContinueAsNew.Carryover, ErrorPropagationMode.UseFailureDetails);
        var result = executor.Execute();
        var actions = result.Actions.ToList();
        var failure = actions.OfType<OrchestrationCompleteOrchestratorAction>()
            .FirstOrDefault(a => a.OrchestrationStatus == OrchestrationStatus.Failed)?.FailureDetails;
        return new ReplayResult(actions, failure);
    }

    /// <summary>Reads a history written by <see cref="WriteHistory"/>.</summary>
    public static IList<HistoryEvent> ReadHistory(string json) =>
        CoreJsonDataConverter.Default.Deserialize<List<HistoryEvent>>(json);

    /// <summary>Writes history with DTFx's typed JSON (each event names its class), the format checked in for replay tests.</summary>
    public static string WriteHistory(IEnumerable<HistoryEvent> history) =>
        CoreJsonDataConverter.Default.Serialize(history.ToList(), formatted: true);
}
