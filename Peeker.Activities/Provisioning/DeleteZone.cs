using Peeker.Activities.Cloudflare;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record DeleteZoneInput(OrderRef Order, string Domain);

public sealed record DeleteZoneResult(string Domain, bool Deleted);

/// <summary>Removes the domain's Cloudflare zone (the undo of <see cref="CreateZone"/>).</summary>
/// <remarks>Idempotent: the zone is looked up by name first; a missing zone counts as deleted.</remarks>
public sealed class DeleteZone(ICloudflareClientFactory cloudflare) : TaskActivity<DeleteZoneInput, DeleteZoneResult>
{
    public override async Task<DeleteZoneResult> RunAsync(TaskActivityContext context, DeleteZoneInput input)
    {
        var client = cloudflare.Create(input.Order.Scope);
        if (await client.FindZoneAsync(input.Domain, context.CancellationToken) is not { } zone)
        {
            return new DeleteZoneResult(input.Domain, false);
        }

        await client.DeleteZoneAsync(zone.Id, context.CancellationToken);
        return new DeleteZoneResult(input.Domain, true);
    }
}
