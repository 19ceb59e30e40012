using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;

namespace Peeker.Activities.Provisioning;

public sealed record CreateZoneInput(OrderRef Order, string Domain);

public sealed record CreateZoneResult(string ZoneId, IReadOnlyList<string> Nameservers);

/// <summary>Creates the domain's Cloudflare zone (or finds it when Cloudflare answers 1061 "zone exists").</summary>
/// <remarks>Idempotent by Cloudflare's uniqueness of zone names. Compensation: <c>DeleteZone</c> on cancellation.</remarks>
public sealed class CreateZone(ICloudflareClientFactory cloudflare) : TaskActivity<CreateZoneInput, CreateZoneResult>
{
    public override async Task<CreateZoneResult> RunAsync(TaskActivityContext context, CreateZoneInput input)
    {
        var zone = await cloudflare.Create(input.Order.Scope).CreateZoneAsync(input.Domain, CancellationToken.None);
        return new CreateZoneResult(zone.Id, zone.NameServers);
    }
}

/// <summary>Typed call of <see cref="CreateZone"/> from an orchestration.</summary>
public static class CreateZoneExtensions
{
    /// <summary>Schedules <see cref="CreateZone"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CreateZoneResult> CreateZoneAsync(this TaskOrchestrationContext context, CreateZoneInput input, TaskOptions? options = null) =>
        context.CallActivityAsync<CreateZoneResult>(nameof(CreateZone), input, options);
}
