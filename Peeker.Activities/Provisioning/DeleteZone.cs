using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Domains;

namespace Peeker.Activities.Provisioning;

public sealed record DeleteZoneInput(OrderRef Order, string Domain);

public sealed record DeleteZoneResult(string Domain, bool Deleted);

/// <summary>Removes the domain's Cloudflare zone (the undo of <see cref="CreateZone"/>) by the id recorded when we created it.</summary>
/// <remarks>
/// Never by name: a zone of that name that is not recorded as this partner's (another account's, or one we never
/// created) is left alone. Idempotent: a missing zone counts as deleted, and the recorded id is forgotten afterwards.
/// </remarks>
public sealed class DeleteZone(ICloudflareClientFactory cloudflare, DomainStore domains) : TaskActivity<DeleteZoneInput, DeleteZoneResult>
{
    public override async Task<DeleteZoneResult> RunAsync(TaskActivityContext context, DeleteZoneInput input)
    {
        var (env, partnerId) = (input.Order.Environment, input.Order.PartnerId);
        if (await domains.ZoneOfAsync(env, input.Domain, partnerId, CancellationToken.None) is not { } zoneId)
        {
            return new DeleteZoneResult(input.Domain, false);
        }

        await cloudflare.Create(input.Order.Scope).DeleteZoneAsync(zoneId, CancellationToken.None);
        await domains.ForgetZoneAsync(env, input.Domain, zoneId, CancellationToken.None);
        return new DeleteZoneResult(input.Domain, true);
    }
}

/// <summary>Typed call of <see cref="DeleteZone"/> from an orchestration.</summary>
public static class DeleteZoneExtensions
{
    /// <summary>Schedules <see cref="DeleteZone"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<DeleteZoneResult> DeleteZoneAsync(
        this TaskOrchestrationContext context,
        DeleteZoneInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<DeleteZoneResult>(nameof(DeleteZone), input, options);
}
