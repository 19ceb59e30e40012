using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;

namespace Peeker.Durable.Replay;

/// <summary>
/// Replays a recorded history against the current orchestrator code, without storage or activities: the test that
/// keeps a non-deterministic edit from reaching running instances (load checked-in histories, replay, expect success).
/// </summary>
public static class OrchestrationReplayer
{
    /// <summary>
    /// Replays <paramref name="history"/> through <paramref name="orchestrator"/>. Throws
    /// <see cref="NonDeterministicOrchestrationException"/> naming the event id, expected and actual action when the
    /// code no longer produces the recorded actions; returns the status the replay ends in.
    /// </summary>
    public static OrchestrationRuntimeStatus Replay(ITaskOrchestrator orchestrator, IReadOnlyList<HistoryEvent> history, string instanceId = "replay", DataConverter? converter = null)
    {
        if (!history.Any(e => e.EventType == EventType.ExecutionStarted))
        {
            throw new ArgumentException("The history has no ExecutionStarted event.", nameof(history));
        }

        var executor = new OrchestrationExecutor(instanceId, orchestrator, converter ?? DataConverter.Default, NullLoggerFactory.Instance);
        executor.Replay(history);
        var outcome = executor.GetOutcome();
        if (outcome.Failure?.ErrorType == typeof(NonDeterministicOrchestrationException).FullName)
        {
            throw new NonDeterministicOrchestrationException(outcome.Failure!.ErrorMessage);
        }

        return outcome.Status;
    }

    /// <summary>Reads a history exported with <see cref="Export"/>.</summary>
    public static IReadOnlyList<HistoryEvent> Import(string json, DataConverter? converter = null) =>
        (converter ?? DataConverter.Default).Deserialize<List<HistoryEvent>>(json) ?? [];

    /// <summary>Writes a history as indented JSON, for checking in next to the tests.</summary>
    public static string Export(IReadOnlyList<HistoryEvent> history) => System.Text.Json.JsonSerializer.Serialize(history, Indented);

    private static readonly System.Text.Json.JsonSerializerOptions Indented = new(DataConverter.Default.Options) { WriteIndented = true };
}
