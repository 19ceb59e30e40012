namespace Peeker.Activities.Webhooks;

/// <summary>
/// Starts and wakes webhook deliveries: one <c>DeliverWebhookOrchestrator</c> instance per event, its instance id the
/// event id. Implemented by the host's engine area (<c>DurableWebhookDeliveries</c>), beside the order workflows.
/// </summary>
public interface IWebhookDeliveries
{
    /// <summary>
    /// Starts delivery of <paramref name="input"/>'s event. With <paramref name="onlyIfNew"/>, does nothing when an
    /// instance with that id exists in any state (publishing twice delivers once); without it, only a pending, running
    /// or suspended instance stops the start (a redelivery replaces a finished one). A schedule or endpoint window the
    /// input leaves out is taken from <see cref="WebhookOptions"/>, so the instance keeps the settings it started with.
    /// </summary>
    Task StartAsync(DeliverWebhookInput input, bool onlyIfNew, CancellationToken cancellationToken);

    /// <summary>Makes a running delivery attempt now (<see cref="WebhookTaskNames.DeliverNowEvent"/>); false when it is not running.</summary>
    Task<bool> WakeAsync(string eventId, CancellationToken cancellationToken);
}
