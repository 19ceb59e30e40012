using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// Starts and wakes <c>DeliverWebhook</c> instances through the engine's client. The client is resolved when first
/// needed, so the webhook services can be registered in a host before (or without) the engine.
/// </summary>
public sealed class WebhookDeliveryStarter(IServiceProvider services)
{
    // Every status: an instance of the event in any state, finished ones included, already carries its delivery.
    private static readonly IReadOnlyList<string> AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    private DurableTaskClient Client => services.GetService<DurableTaskClient>()
        ?? throw new InvalidOperationException("Webhook delivery needs the durable engine: call AddPeekerDurable(configuration, registry => registry.AddWebhookTasks()).");

    /// <summary>True when the host runs the durable engine (its client is registered).</summary>
    public bool IsAvailable => services.GetService<DurableTaskClient>() is not null;

    /// <summary>
    /// Starts delivery of <paramref name="input"/>'s event. With <paramref name="onlyIfNew"/>, does nothing when an
    /// instance with that id exists in any state (publishing twice delivers once); without it, only a pending, running
    /// or suspended instance stops the start (a redelivery replaces a finished one). A schedule or endpoint window the
    /// input leaves out is taken from <see cref="WebhookOptions"/>, so the instance keeps the settings it started with.
    /// </summary>
    public async Task StartIfAbsentAsync(DeliverWebhookInput input, bool onlyIfNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var options = new StartOrchestrationOptions(input.EventId) { DedupeStatuses = onlyIfNew ? AnyStatus : null };
        try
        {
            await Client.ScheduleNewOrchestrationInstanceAsync(WebhookTaskNames.DeliverWebhook, WithSettings(input), options, cancellationToken);
        }
        catch (OrchestrationAlreadyExistsException)
        {
            // Already delivering (or delivered): that instance carries the event.
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

    /// <summary>The input with the configured schedule and window where it has none (as is in a host without webhook options).</summary>
    private DeliverWebhookInput WithSettings(DeliverWebhookInput input) =>
        (input.Schedule is null || input.EndpointWindow is null) && services.GetService<IOptions<WebhookOptions>>() is { Value: var settings }
            ? input with { Schedule = input.Schedule ?? settings.RetrySchedule, EndpointWindow = input.EndpointWindow ?? settings.EndpointWindow }
            : input;
}
