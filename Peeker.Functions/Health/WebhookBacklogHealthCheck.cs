using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Peeker.Functions.Health;

/// <summary>Health thresholds (section <c>Peeker:Health</c>).</summary>
public sealed class HealthOptions
{
    /// <summary>The section name.</summary>
    public const string SectionName = "Peeker:Health";

    /// <summary>Webhook deliveries in flight (pending or running) above which readiness is degraded.</summary>
    [System.ComponentModel.DataAnnotations.Range(1, 10_000_000)]
    public int WebhookBacklogDegraded { get; set; } = 1000;

    /// <summary>How long a live provider's sign-in result is reused by readiness.</summary>
    [System.ComponentModel.DataAnnotations.Range(typeof(TimeSpan), "00:00:01", "1.00:00:00")]
    public TimeSpan ProviderSignInInterval { get; set; } = TimeSpan.FromMinutes(5);
}

/// <summary>
/// <c>webhook_backlog</c>: webhook deliveries in flight (<c>DeliverWebhook</c> instances, ids <c>evt_…</c>, pending or
/// running, which includes deliveries waiting out a retry); degraded above <see cref="HealthOptions.WebhookBacklogDegraded"/>.
/// </summary>
internal sealed class WebhookBacklogHealthCheck(DurableTaskClient client, IOptions<HealthOptions> options) : IHealthCheck
{
    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var limit = options.Value.WebhookBacklogDegraded;
        var query = new OrchestrationQuery
        {
            InstanceIdPrefix = "evt_",
            Statuses = [OrchestrationRuntimeStatus.Pending, OrchestrationRuntimeStatus.Running],
            PageSize = 500,
        };
        var count = 0;
        await foreach (var _ in client.GetAllInstancesAsync(query).WithCancellation(cancellationToken))
        {
            if (++count > limit)
            {
                break;
            }
        }

        var data = new Dictionary<string, object> { ["in_flight"] = count, ["degraded_above"] = limit };
        return count > limit
            ? HealthCheckResult.Degraded($"More than {limit} webhook deliveries are in flight.", data: data)
            : HealthCheckResult.Healthy($"{count} webhook deliveries in flight.", data);
    }
}
