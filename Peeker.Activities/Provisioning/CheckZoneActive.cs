using Peeker.Activities.Cloudflare;
using Peeker.Durable;

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
        var zone = await client.GetZoneAsync(input.ZoneId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Zone {input.ZoneId} no longer exists.");
        if (!string.Equals(zone.Status, "active", StringComparison.OrdinalIgnoreCase))
        {
            await client.TriggerActivationCheckAsync(input.ZoneId, context.CancellationToken);
            throw new NotReadyYetException($"Zone {zone.Name} is {zone.Status}: nameservers not delegated yet.");
        }

        return new CheckZoneActiveResult(input.ZoneId, zone.Status);
    }
}
