using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;

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
        if (await client.FindZoneAsync(input.Domain, CancellationToken.None) is not { } zone)
        {
            return new DeleteZoneResult(input.Domain, false);
        }

        await client.DeleteZoneAsync(zone.Id, CancellationToken.None);
        return new DeleteZoneResult(input.Domain, true);
    }
}

/// <summary>Typed call of <see cref="DeleteZone"/> from an orchestration.</summary>
public static class DeleteZoneExtensions
{
    /// <summary>Schedules <see cref="DeleteZone"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<DeleteZoneResult> DeleteZoneAsync(this TaskOrchestrationContext context, DeleteZoneInput input, TaskOptions? options = null) =>
        context.CallActivityAsync<DeleteZoneResult>(nameof(DeleteZone), input, options);
}
