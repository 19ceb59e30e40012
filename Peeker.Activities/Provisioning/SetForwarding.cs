using Peeker.Activities.Cloudflare;
using Peeker.Durable;

namespace Peeker.Activities.Provisioning;

public sealed record SetForwardingInput(OrderRef Order, string ZoneId, string Domain, string Url);

public sealed record SetForwardingResult(string Domain, string Url);

/// <summary>Redirects the domain's web traffic (301) to the customer's site with a Cloudflare redirect rule.</summary>
/// <remarks>Idempotent: the rule for the hostname is replaced, not duplicated.</remarks>
public sealed class SetForwarding(ICloudflareClientFactory cloudflare) : TaskActivity<SetForwardingInput, SetForwardingResult>
{
    public override async Task<SetForwardingResult> RunAsync(TaskActivityContext context, SetForwardingInput input)
    {
        await cloudflare.Create(input.Order.Scope).SetForwardingAsync(input.ZoneId, input.Domain, input.Url, 301, context.CancellationToken);
        return new SetForwardingResult(input.Domain, input.Url);
    }
}
