using Peeker.Activities.Cloudflare;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record CreateZoneInput(OrderRef Order, string Domain);

public sealed record CreateZoneResult(string ZoneId, IReadOnlyList<string> Nameservers);

/// <summary>Creates the domain's Cloudflare zone (or finds it when Cloudflare answers 1061 "zone exists").</summary>
/// <remarks>Idempotent by Cloudflare's uniqueness of zone names. Compensation: <c>DeleteZone</c> on cancellation.</remarks>
public sealed class CreateZone(ICloudflareClientFactory cloudflare) : TaskActivity<CreateZoneInput, CreateZoneResult>
{
    public override async Task<CreateZoneResult> RunAsync(TaskActivityContext context, CreateZoneInput input)
    {
        var zone = await cloudflare.Create(input.Order.Scope).CreateZoneAsync(input.Domain, context.CancellationToken);
        return new CreateZoneResult(zone.Id, zone.NameServers);
    }
}
