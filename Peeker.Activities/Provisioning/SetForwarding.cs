using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;

namespace Peeker.Activities.Provisioning;

public sealed record SetForwardingInput(OrderRef Order, string ZoneId, string Domain, string Url);

public sealed record SetForwardingResult(string Domain, string Url);

/// <summary>Redirects the domain's web traffic (301) to the customer's site with a Cloudflare redirect rule.</summary>
/// <remarks>Idempotent: the rule for the hostname is replaced, not duplicated.</remarks>
public sealed class SetForwarding(ICloudflareClientFactory cloudflare) : TaskActivity<SetForwardingInput, SetForwardingResult>
{
    public override async Task<SetForwardingResult> RunAsync(TaskActivityContext context, SetForwardingInput input)
    {
        await cloudflare.Create(input.Order.Scope).SetForwardingAsync(input.ZoneId, input.Domain, input.Url, 301, CancellationToken.None);
        return new SetForwardingResult(input.Domain, input.Url);
    }
}

/// <summary>Typed call of <see cref="SetForwarding"/> from an orchestration.</summary>
public static class SetForwardingExtensions
{
    /// <summary>Schedules <see cref="SetForwarding"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<SetForwardingResult> SetForwardingAsync(
        this TaskOrchestrationContext context,
        SetForwardingInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<SetForwardingResult>(nameof(SetForwarding), input, options);
}
