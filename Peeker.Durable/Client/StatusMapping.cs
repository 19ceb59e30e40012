using Microsoft.DurableTask.Client;
using Core = DurableTask.Core;

namespace Peeker.Durable.Client;

/// <summary>The SDK's runtime status and DTFx's orchestration status have the same members under other numbers.</summary>
public static class StatusMapping
{
    /// <summary>DTFx's status for the SDK's.</summary>
    public static Core.OrchestrationStatus ToCore(this OrchestrationRuntimeStatus status) =>
        Enum.Parse<Core.OrchestrationStatus>(status.ToString());

    /// <summary>The SDK's status for DTFx's.</summary>
    public static OrchestrationRuntimeStatus ToSdk(this Core.OrchestrationStatus status) =>
        Enum.Parse<OrchestrationRuntimeStatus>(status.ToString());
}
