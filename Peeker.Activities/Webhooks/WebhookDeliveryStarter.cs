using Microsoft.Extensions.DependencyInjection;
using Peeker.Durable;
using Peeker.Durable.Client;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// Starts and wakes <c>DeliverWebhook</c> instances through the engine's client. The client is resolved when first
/// needed, so the webhook services can be registered in a host before (or without) the engine.
/// </summary>
public sealed class WebhookDeliveryStarter(IServiceProvider services)
{
    private DurableTaskClient Client => services.GetService<DurableTaskClient>()
        ?? throw new InvalidOperationException("Webhook delivery needs the durable engine: call AddPeekerDurable(registry => registry.AddWebhookTasks()).");

    /// <summary>True when the host runs the durable engine (its client is registered).</summary>
    public bool IsAvailable => services.GetService<DurableTaskClient>() is not null;

    /// <summary>
    /// Starts delivery of <paramref name="input"/>'s event. With <paramref name="onlyIfNew"/>, does nothing when an
    /// instance with that id exists in any state (publishing twice delivers once).
    /// </summary>
    public async Task StartIfAbsentAsync(DeliverWebhookInput input, bool onlyIfNew, CancellationToken cancellationToken)
    {
        // A Pending instance may be one whose start message was lost in a crash: scheduling it again lets the backend
        // resend its start (dropped as a duplicate when the first one is still queued).
        if (onlyIfNew && await Client.GetInstanceAsync(input.EventId, false, cancellationToken) is { RuntimeStatus: not OrchestrationRuntimeStatus.Pending })
        {
            return;
        }

        try
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(
                WebhookTaskNames.DeliverWebhook, input, new StartOrchestrationOptions(input.EventId), cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Already delivering: that instance carries the event.
        }
    }

    /// <summary>The instance's state, or null when none exists.</summary>
    public Task<OrchestrationMetadata?> GetAsync(string eventId, CancellationToken cancellationToken) =>
        Client.GetInstanceAsync(eventId, false, cancellationToken);

    /// <summary>Wakes an instance waiting for an endpoint; false when it is not running.</summary>
    public async Task<bool> WakeAsync(string eventId, CancellationToken cancellationToken)
    {
        var instance = await Client.GetInstanceAsync(eventId, false, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            return false;
        }

        await Client.RaiseEventAsync(eventId, WebhookTaskNames.DeliverNowEvent, true, cancellationToken);
        return true;
    }
}
