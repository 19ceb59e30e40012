using Azure.Data.Tables;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Peeker.Durable.Hosting;

namespace Peeker.Functions.Health;

/// <summary>
/// <c>task_hub</c>: the worker runs, or the hub is reached on a host without the worker role (starting is degraded,
/// storage unavailable or stopped is unhealthy), and every partition has a live lease (a partition whose lease expired has no host processing its orchestrations: degraded).
/// Reports the partitions this host holds; a host holding none is fine when others hold them all.
/// </summary>
internal sealed class TaskHubHealthCheck(DurableTaskHub hub, TableServiceClient tables, TimeProvider time) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var data = new Dictionary<string, object>
        {
            ["hub"] = hub.Options.HubName,
            ["state"] = hub.State.ToString(),
            ["worker_id"] = hub.WorkerId,
            ["partition_count"] = hub.Options.StorageProvider.PartitionCount,
        };
        switch (hub.State)
        {
            case TaskHubState.Starting:
                return HealthCheckResult.Degraded("The task hub is starting.", data: data);
            case TaskHubState.StorageUnavailable or TaskHubState.Stopped:
                return HealthCheckResult.Unhealthy($"The task hub is {hub.State}: {hub.LastError}", data: data);
        }

        if (!hub.Options.StorageProvider.UseTablePartitionManagement)
        {
            return HealthCheckResult.Healthy("The task hub runs.", data);
        }

        var now = time.GetUtcNow().UtcDateTime;
        // DTFx's table partition manager keeps one row per control queue with CurrentOwner and ExpiresAt.
        var live = new List<string?>();
        await foreach (
            var lease in tables
                .GetTableClient(hub.Options.HubName + "Partitions")
                .QueryAsync<TableEntity>(select: ["CurrentOwner", "ExpiresAt"], cancellationToken: cancellationToken)
        )
        {
            var owner = lease.GetString("CurrentOwner");
            if (!string.IsNullOrEmpty(owner) && lease.GetDateTimeOffset("ExpiresAt") is { } expires && expires.UtcDateTime > now)
            {
                live.Add(owner);
            }
        }

        data["partitions_held_here"] = live.Count(owner => owner == hub.WorkerId);
        data["partitions_without_live_owner"] = hub.Options.StorageProvider.PartitionCount - live.Count;
        return live.Count < hub.Options.StorageProvider.PartitionCount
            ? HealthCheckResult.Degraded(
                "Some partitions have no live owner; their orchestrations wait until a host takes them.",
                data: data
            )
            : HealthCheckResult.Healthy("The task hub runs and every partition has a live owner.", data);
    }
}
