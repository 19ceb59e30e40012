using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;

namespace Peeker.Activities.Forwarding;

public sealed record ApplyForwardingInput(ForwardingJobRef Job, ForwardingJobDomain Domain, string Url);

/// <summary>Null <see cref="Reason"/> when the redirect now points at the target.</summary>
public sealed record ApplyForwardingResult(string Domain, string? Reason);

/// <summary>
/// Points one live domain's 301 redirect at the job's target (Cloudflare redirect rule) and records the URL on the
/// domain and on its order, so <c>GET /domains</c> and <c>GET /orders/{id}</c> show it.
/// </summary>
/// <remarks>
/// Idempotent: the hostname's rule is replaced, not added, and the URL writes are absolute; a domain already pointing
/// at the target simply counts as done. A domain without an active zone in our DNS fails with <c>dns_lookup_failed</c>.
/// </remarks>
public sealed class ApplyForwarding(ICloudflareClientFactory cloudflare, DomainStore domains, OrderStore orders)
    : TaskActivity<ApplyForwardingInput, ApplyForwardingResult>
{
    public override async Task<ApplyForwardingResult> RunAsync(TaskActivityContext context, ApplyForwardingInput input)
    {
        var ct = CancellationToken.None;
        var (env, partner) = (input.Job.Environment, input.Job.PartnerId);
        var client = cloudflare.Create(input.Job.Scope);
        if (await client.FindZoneAsync(input.Domain.Domain, ct) is not { Status: "active" } zone)
        {
            return new ApplyForwardingResult(input.Domain.Domain, ForwardingFailureReason.DnsLookupFailed);
        }

        await client.SetForwardingAsync(zone.Id, input.Domain.Domain, input.Url, 301, ct);
        var record = await domains.GetAsync(env, partner, input.Domain.Id, ct);
        await domains.SetForwardingUrlAsync(env, partner, input.Domain.Id, input.Url, ct);
        if (record?.OrderId is { } orderId)
        {
            await orders.UpdateAsync(
                env,
                orderId,
                o => o with { Domains = [.. o.Domains.Select(d => d.Id == input.Domain.Id ? d with { ForwardingUrl = input.Url } : d)] },
                ct
            );
        }

        return new ApplyForwardingResult(input.Domain.Domain, null);
    }
}

/// <summary>Typed call of <see cref="ApplyForwarding"/> from an orchestration.</summary>
public static class ApplyForwardingExtensions
{
    /// <summary>Schedules <see cref="ApplyForwarding"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<ApplyForwardingResult> ApplyForwardingAsync(
        this TaskOrchestrationContext context,
        ApplyForwardingInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<ApplyForwardingResult>(nameof(ApplyForwarding), input, options);
}
