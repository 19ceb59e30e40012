using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.DurableTask.Client;

namespace Peeker.Functions.Ops;

/// <summary>What an operator can do to an instance from the console.</summary>
public enum OpsAction
{
    Terminate,
    Suspend,
    Resume,
    Rewind,
    RaiseEvent,
    Purge,
}

/// <summary>The outcome of an action, shown on the instance page.</summary>
public sealed record OpsActionResult(bool Succeeded, string Message, bool Purged = false);

/// <summary>Which actions each runtime status allows: the management API's rules (Durable Functions').</summary>
public static class OpsActions
{
    /// <summary>
    /// Terminate, suspend and raise event need a live instance; resume a suspended one; rewind a failed one; purge a
    /// finished one.
    /// </summary>
    public static bool IsAllowed(OpsAction action, OrchestrationRuntimeStatus status) =>
        action switch
        {
            OpsAction.Terminate or OpsAction.RaiseEvent => IsLive(status),
            OpsAction.Suspend => status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending,
            OpsAction.Resume => status == OrchestrationRuntimeStatus.Suspended,
            OpsAction.Rewind => status == OrchestrationRuntimeStatus.Failed,
            OpsAction.Purge => !IsLive(status),
            _ => false,
        };

    /// <summary>An event payload typed in the console: empty is none, otherwise JSON.</summary>
    public static bool TryParsePayload(string? text, out JsonNode? payload)
    {
        payload = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        try
        {
            payload = JsonNode.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    private static bool IsLive(OrchestrationRuntimeStatus status) =>
        status is OrchestrationRuntimeStatus.Running or OrchestrationRuntimeStatus.Pending or OrchestrationRuntimeStatus.Suspended;
}
