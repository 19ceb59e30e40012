using Microsoft.DurableTask;

namespace Peeker.Tests.Activities;

/// <summary>
/// The context an activity's <c>RunAsync</c> gets, for calling it directly. Two contexts with different instance ids
/// stand for two engine tasks (a durable retry, a redelivery), which must not change any key the activity builds.
/// </summary>
public sealed class TestActivityContext(string name, string instanceId) : TaskActivityContext
{
    public override TaskName Name { get; } = name;

    public override string InstanceId { get; } = instanceId;
}
