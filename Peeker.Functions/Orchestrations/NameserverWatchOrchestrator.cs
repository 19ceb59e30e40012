using Microsoft.DurableTask;
using Peeker.Activities.Imports;
using Peeker.Activities.Provisioning;

namespace Peeker.Functions.Orchestrations;

/// <summary>Input of <see cref="NameserverWatchOrchestrator"/>: the order's imported domain and the reverts resolved so far.</summary>
public sealed record NameserverWatchInput(OrderRef Order, string DomainId, int Generation = 0);

/// <summary>
/// Watches one connected imported domain of an order (instance id <see cref="InstanceId"/>): runs
/// <see cref="CheckDomainNameservers"/>, which opens a domain-level pending action and publishes
/// <c>domain.action_required</c> when the customer's nameservers no longer point at the zone, waits the watch interval on
/// a durable timer, then continues as new so its history stays one check long.
/// </summary>
/// <remarks>
/// Side effects only in the activity (idempotent by order, domain and revert generation). Resolving the action is the
/// pending-action re-check loop's job; the watch then counts the next revert as a new generation. Ends when the order is
/// cancelling, cancelled or failed, or the domain is no longer connected. A check that fails after its retries is
/// treated as "nothing seen". Compensation: none.
/// </remarks>
public sealed class NameserverWatchOrchestrator : TaskOrchestrator<NameserverWatchInput, int>
{
    /// <summary>Wait used when the check itself failed (no interval known).</summary>
    public static readonly TimeSpan FallbackInterval = TimeSpan.FromHours(1);

    /// <summary>The instance id of the watch of <paramref name="domainId"/> on <paramref name="orderId"/>.</summary>
    public static string InstanceId(string orderId, string domainId) => $"{orderId}:{domainId}:nameservers";

    public override async Task<int> RunAsync(TaskOrchestrationContext context, NameserverWatchInput input)
    {
        CheckDomainNameserversResult result;
        try
        {
            result = await context.CheckDomainNameserversAsync(
                new CheckDomainNameserversInput(input.Order, input.DomainId, input.Generation),
                ProvisioningRetries.Provider
            );
        }
        catch (TaskFailedException)
        {
            result = new CheckDomainNameserversResult(false, input.Generation, null, FallbackInterval);
        }

        context.SetCustomStatus(
            new
            {
                generation = result.Generation,
                open_action = result.OpenActionId,
                done = result.Done,
            }
        );
        if (result.Done)
        {
            return result.Generation;
        }

        var wait = result.NextCheckIn > TimeSpan.Zero ? result.NextCheckIn : FallbackInterval;
        await context.CreateTimer(context.CurrentUtcDateTime.Add(wait), CancellationToken.None);
        context.ContinueAsNew(input with { Generation = result.Generation });
        return result.Generation;
    }
}
