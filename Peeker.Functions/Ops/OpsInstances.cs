using Microsoft.DurableTask.Client;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Durable.Management;

namespace Peeker.Functions.Ops;

/// <summary>One page of the instances list.</summary>
public sealed record OpsInstancePage(
    IReadOnlyList<OrchestrationMetadata> Instances,
    string? ContinuationToken,
    IReadOnlyDictionary<OrchestrationRuntimeStatus, int> Counts,
    bool CountsCapped
);

/// <summary>One instance with its timeline (history read through <see cref="DurableTaskClient"/>).</summary>
public sealed record OpsInstanceDetails(OrchestrationMetadata Instance, InstanceTimeline Timeline, string? ParentInstanceId);

/// <summary>
/// The console's reads and actions on the engine, all through the host's <see cref="DurableTaskClient"/> (the same
/// client and rules as the management API: actions only on instances in a state that allows them).
/// </summary>
public sealed class OpsInstances(DurableTaskClient client, OrderStore orders)
{
    /// <summary>How many instances the per-status counts read at most.</summary>
    public const int CountLimit = 5000;

    // Name and partner are matched on the rows: read a few engine pages to fill one screen, never the whole hub.
    private const int MaxEnginePagesPerScreen = 10;

    /// <summary>A page of instances matching <paramref name="filter"/>, newest engine order, with counts per status.</summary>
    public async Task<OpsInstancePage> ListAsync(
        OpsInstanceFilter filter,
        int pageSize,
        string? continuation,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(filter);
        var partnerOrders = await PartnerOrderIdsAsync(filter.PartnerId, cancellationToken);
        var rows = new List<OrchestrationMetadata>();
        var token = continuation;
        var pages = 0;
        await foreach (
            var page in client
                .GetAllInstancesAsync(filter.ToQuery(pageSize, withStatus: true, fetchInputs: true))
                .AsPages(continuation, pageSize)
                .WithCancellation(cancellationToken)
        )
        {
            rows.AddRange(page.Values.Where(i => filter.Matches(i, partnerOrders)));
            token = page.ContinuationToken;
            if (rows.Count >= pageSize || token is null || ++pages >= MaxEnginePagesPerScreen)
            {
                break;
            }
        }

        var (counts, capped) = await CountAsync(filter, partnerOrders, cancellationToken);
        return new OpsInstancePage(rows, token, counts, capped);
    }

    /// <summary>The instance and its timeline; null when it does not exist.</summary>
    public async Task<OpsInstanceDetails?> GetAsync(string instanceId, CancellationToken cancellationToken)
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, cancellationToken);
        if (instance is null)
        {
            return null;
        }

        var history = await client.GetOrchestrationHistoryAsync(instanceId, cancellationToken);
        var parent = history
            .OfType<DurableTask.Core.History.ExecutionStartedEvent>()
            .FirstOrDefault()
            ?.ParentInstance?.OrchestrationInstance?.InstanceId;
        return new OpsInstanceDetails(instance, InstanceTimeline.Build(history), parent);
    }

    /// <summary>The orchestrations of an order (its id is their id prefix), up to <paramref name="limit"/>.</summary>
    public async Task<IReadOnlyList<OrchestrationMetadata>> ListByPrefixAsync(string prefix, int limit, CancellationToken cancellationToken)
    {
        var found = new List<OrchestrationMetadata>();
        await foreach (
            var instance in client
                .GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = prefix, PageSize = 100 })
                .WithCancellation(cancellationToken)
        )
        {
            if (instance.InstanceId == prefix || instance.InstanceId.StartsWith(prefix + ":", StringComparison.Ordinal))
            {
                found.Add(instance);
            }

            if (found.Count >= limit)
            {
                break;
            }
        }

        return found;
    }

    /// <summary>Runs <paramref name="action"/> on an instance; the outcome is a sentence for the operator.</summary>
    public async Task<OpsActionResult> ActAsync(
        string instanceId,
        OpsAction action,
        string? reason,
        string? eventName,
        string? eventJson,
        CancellationToken cancellationToken
    )
    {
        var instance = await client.GetInstanceAsync(instanceId, false, cancellationToken);
        if (instance is null)
        {
            return new(false, $"No instance '{instanceId}'.");
        }

        if (!OpsActions.IsAllowed(action, instance.RuntimeStatus))
        {
            return new(false, $"{action} is not possible while the instance is {instance.RuntimeStatus}.");
        }

        var why = string.IsNullOrWhiteSpace(reason) ? "by an operator (ops console)" : reason.Trim();
        switch (action)
        {
            case OpsAction.Terminate:
                await client.TerminateInstanceAsync(instanceId, new TerminateInstanceOptions(why), cancellationToken);
                break;
            case OpsAction.Suspend:
                await client.SuspendInstanceAsync(instanceId, why, cancellationToken);
                break;
            case OpsAction.Resume:
                await client.ResumeInstanceAsync(instanceId, why, cancellationToken);
                break;
            case OpsAction.Rewind:
                await client.RewindInstanceAsync(instanceId, why, cancellationToken);
                break;
            case OpsAction.RaiseEvent:
                if (string.IsNullOrWhiteSpace(eventName))
                {
                    return new(false, "Name the event to raise.");
                }

                if (!OpsActions.TryParsePayload(eventJson, out var payload))
                {
                    return new(false, "The event payload is not valid JSON.");
                }

                await client.RaiseEventAsync(instanceId, eventName.Trim(), payload, cancellationToken);
                break;
            case OpsAction.Purge:
                await client.PurgeInstanceAsync(instanceId, cancellation: cancellationToken);
                return new(true, $"Purged '{instanceId}'.", Purged: true);
        }

        return new(true, $"{action} requested for '{instanceId}'.");
    }

    private async Task<(Dictionary<OrchestrationRuntimeStatus, int> Counts, bool Capped)> CountAsync(
        OpsInstanceFilter filter,
        IReadOnlySet<string>? partnerOrders,
        CancellationToken cancellationToken
    )
    {
        var counts = new Dictionary<OrchestrationRuntimeStatus, int>();
        var seen = 0;
        // Inputs are needed only when the partner is matched on them.
        var query = filter.ToQuery(1000, withStatus: false, fetchInputs: !string.IsNullOrWhiteSpace(filter.PartnerId));
        await foreach (var instance in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (++seen > CountLimit)
            {
                return (counts, true);
            }

            if (filter.Matches(instance, partnerOrders))
            {
                counts[instance.RuntimeStatus] = counts.GetValueOrDefault(instance.RuntimeStatus) + 1;
            }
        }

        return (counts, false);
    }

    private async Task<IReadOnlySet<string>?> PartnerOrderIdsAsync(string? partnerId, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(partnerId))
        {
            return null;
        }

        var ids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var env in Enum.GetValues<PeekerEnvironment>())
        {
            string? after = null;
            do
            {
                var page = await orders.ListAsync(
                    env,
                    partnerId.Trim(),
                    new OrderFilter(null, null, null),
                    new PageRequest(100, after),
                    cancellationToken
                );
                ids.UnionWith(page.Items.Select(o => o.Id));
                after = page.NextAfter;
            } while (after is not null && ids.Count < CountLimit);
        }

        return ids;
    }
}
