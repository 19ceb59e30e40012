using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// Input of the <c>DeliverWebhookOrchestrator</c> (in Peeker.Functions), whose instance id is the event id. It names
/// the event, never its body or the endpoint secret: the delivery activity loads both itself, so no secret reaches
/// the orchestration history. <c>Run</c> counts redeliveries (1 = the original delivery). <c>Schedule</c> (offsets of
/// the attempts from the first) and <c>EndpointWindow</c> come from <see cref="WebhookOptions"/> when the delivery
/// starts, so a running delivery replays with the settings it started with; null means the spec's defaults (inputs
/// written before they were carried).
/// </summary>
public sealed record DeliverWebhookInput(
    string EventId,
    PeekerEnvironment Environment,
    string PartnerId,
    int Run = 1,
    IReadOnlyList<TimeSpan>? Schedule = null,
    TimeSpan? EndpointWindow = null
);

/// <summary>Persisted names shared by the event log (here) and the orchestrator (in Peeker.Functions).</summary>
public static class WebhookTaskNames
{
    /// <summary>
    /// External event that makes a running delivery attempt now: raised when an endpoint is saved (waking deliveries
    /// that wait for one) and on redeliver (cutting a retry wait short).
    /// </summary>
    public const string DeliverNowEvent = "deliver_now";
}
