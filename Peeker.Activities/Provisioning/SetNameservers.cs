using Peeker.Activities.Registrar;
using Peeker.Durable;

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
        if (await registrar.GetDomainInfoAsync(input.Domain, context.CancellationToken) is null)
        {
            return new SetNameserversResult(input.Domain, []);
        }

        await registrar.SetNameserversAsync(input.Domain, input.Nameservers, context.CancellationToken);
        return new SetNameserversResult(input.Domain, input.Nameservers);
    }
}
