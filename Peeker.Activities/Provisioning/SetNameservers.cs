using Microsoft.DurableTask;
using Peeker.Activities.Registrar;

namespace Peeker.Activities.Provisioning;

public sealed record SetNameserversInput(OrderRef Order, string Domain, IReadOnlyList<string> Nameservers);

public sealed record SetNameserversResult(string Domain, IReadOnlyList<string> Nameservers);

/// <summary>
/// Points the domain at its Cloudflare nameservers at our registrar. A domain our registrar does not hold is the
/// customer's (imported): its owner switched the nameservers when importing it, so nothing is set here.
/// </summary>
/// <remarks>Idempotent: setting the same pair again changes nothing.</remarks>
public sealed class SetNameservers(IRegistrarClientFactory registrars) : TaskActivity<SetNameserversInput, SetNameserversResult>
{
    public override async Task<SetNameserversResult> RunAsync(TaskActivityContext context, SetNameserversInput input)
    {
        var registrar = registrars.Create(input.Order.Scope);
        if (await registrar.GetDomainInfoAsync(input.Domain, CancellationToken.None) is null)
        {
            return new SetNameserversResult(input.Domain, []);
        }

        await registrar.SetNameserversAsync(input.Domain, input.Nameservers, CancellationToken.None);
        return new SetNameserversResult(input.Domain, input.Nameservers);
    }
}

/// <summary>Typed call of <see cref="SetNameservers"/> from an orchestration.</summary>
public static class SetNameserversExtensions
{
    /// <summary>Schedules <see cref="SetNameservers"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<SetNameserversResult> SetNameserversAsync(
        this TaskOrchestrationContext context,
        SetNameserversInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<SetNameserversResult>(nameof(SetNameservers), input, options);
}
