using Peeker.Activities.Registrar;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record SetNameserversInput(OrderRef Order, string Domain, IReadOnlyList<string> Nameservers);

public sealed record SetNameserversResult(string Domain, IReadOnlyList<string> Nameservers);

/// <summary>Points the domain at its Cloudflare nameservers at the registrar.</summary>
/// <remarks>Idempotent: setting the same pair again changes nothing.</remarks>
public sealed class SetNameservers(IRegistrarClientFactory registrars) : TaskActivity<SetNameserversInput, SetNameserversResult>
{
    public override async Task<SetNameserversResult> RunAsync(TaskActivityContext context, SetNameserversInput input)
    {
        await registrars.Create(input.Order.Scope).SetNameserversAsync(input.Domain, input.Nameservers, context.CancellationToken);
        return new SetNameserversResult(input.Domain, input.Nameservers);
    }
}
