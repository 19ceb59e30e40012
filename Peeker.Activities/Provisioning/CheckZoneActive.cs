using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;

namespace Peeker.Activities.Provisioning;

public sealed record CheckZoneActiveInput(OrderRef Order, string ZoneId);

public sealed record CheckZoneActiveResult(string ZoneId, string Status);

/// <summary>Polls the zone: throws <see cref="NotReadyYetException"/> while it is pending, so the durable retry policy waits on timers.</summary>
/// <remarks>Read-only apart from asking Cloudflare to re-check activation; idempotent.</remarks>
public sealed class CheckZoneActive(ICloudflareClientFactory cloudflare) : TaskActivity<CheckZoneActiveInput, CheckZoneActiveResult>
{
    public override async Task<CheckZoneActiveResult> RunAsync(TaskActivityContext context, CheckZoneActiveInput input)
    {
        var client = cloudflare.Create(input.Order.Scope);
        var zone =
            await client.GetZoneAsync(input.ZoneId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Zone {input.ZoneId} no longer exists.");
        if (!string.Equals(zone.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            await client.TriggerActivationCheckAsync(input.ZoneId, CancellationToken.None);
            throw new NotReadyYetException($"Zone {zone.Name} is {zone.Status}: nameservers not delegated yet.");
        }

        return new CheckZoneActiveResult(input.ZoneId, zone.Status);
    }
}

/// <summary>Typed call of <see cref="CheckZoneActive"/> from an orchestration.</summary>
public static class CheckZoneActiveExtensions
{
    /// <summary>Schedules <see cref="CheckZoneActive"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CheckZoneActiveResult> CheckZoneActiveAsync(
        this TaskOrchestrationContext context,
        CheckZoneActiveInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CheckZoneActiveResult>(nameof(CheckZoneActive), input, options);
}
