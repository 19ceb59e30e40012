using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Domains;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Provisioning;

public sealed record CreateZoneInput(OrderRef Order, string Domain);

public sealed record CreateZoneResult(string ZoneId, IReadOnlyList<string> Nameservers);

/// <summary>Creates the domain's Cloudflare zone, or reuses the one recorded as this partner's (an imported domain's).</summary>
/// <remarks>
/// Idempotent: Cloudflare's 1061 "zone exists" answers our own zone (recorded, or created after we took the name); a
/// zone of anyone else fails the step without retries (<c>domain_in_use</c>), it is never adopted. Records the zone id
/// with the name's owner. Compensation: <c>DeleteZone</c> (by that id) on cancellation.
/// </remarks>
public sealed class CreateZone(ICloudflareClientFactory cloudflare, DomainStore domains, TimeProvider time)
    : TaskActivity<CreateZoneInput, CreateZoneResult>
{
    public override async Task<CreateZoneResult> RunAsync(TaskActivityContext context, CreateZoneInput input)
    {
        var scope = input.Order.Scope;
        var zone =
            await OwnedZones.CreateOrReuseAsync(
                cloudflare.Create(scope),
                domains,
                scope,
                input.Domain,
                input.Order.OrderId,
                time.GetUtcNow(),
                CancellationToken.None
            )
            ?? throw new ProviderException(
                ProviderNames.Cloudflare,
                "domain_in_use",
                $"{input.Domain} or its zone is held by another account.",
                isRetryable: false
            );
        return new CreateZoneResult(zone.Id, zone.NameServers);
    }
}

/// <summary>Typed call of <see cref="CreateZone"/> from an orchestration.</summary>
public static class CreateZoneExtensions
{
    /// <summary>Schedules <see cref="CreateZone"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<CreateZoneResult> CreateZoneAsync(
        this TaskOrchestrationContext context,
        CreateZoneInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<CreateZoneResult>(nameof(CreateZone), input, options);
}
