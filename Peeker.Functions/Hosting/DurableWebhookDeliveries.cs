using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Orchestrations;

namespace Peeker.Functions.Hosting;

/// <summary>
/// Starts and wakes <see cref="DeliverWebhookOrchestrator"/> instances through the engine's client, as
/// <see cref="DurableOrderWorkflows"/> starts the order orchestrations.
/// </summary>
public sealed class DurableWebhookDeliveries(DurableTaskClient client, IOptions<WebhookOptions> options) : IWebhookDeliveries
{
    // Every status: an instance of the event in any state, finished ones included, already carries its delivery.
    private static readonly IReadOnlyList<string> AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <inheritdoc />
    public async Task StartAsync(DeliverWebhookInput input, bool onlyIfNew, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var settings = options.Value;
        var withSettings = input with
        {
            Schedule = input.Schedule ?? settings.RetrySchedule,
            EndpointWindow = input.EndpointWindow ?? settings.EndpointWindow,
        };
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(DeliverWebhookOrchestrator),
                withSettings,
                new StartOrchestrationOptions(input.EventId) { DedupeStatuses = onlyIfNew ? AnyStatus : null },
                cancellationToken
            );
        }
        catch (DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException)
        {
            // Already delivering (or delivered): that instance carries the event.
        }
    }

    /// <inheritdoc />
    public async Task<bool> WakeAsync(string eventId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(eventId, false, cancellationToken);
        if (instance is null || instance.IsCompleted)
        {
            return false;
        }

        await client.RaiseEventAsync(eventId, WebhookTaskNames.DeliverNowEvent, true, cancellationToken);
        return true;
    }
}
