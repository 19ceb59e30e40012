using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;

namespace Peeker.Activities.Provisioning;

public sealed record VerifyDomainInput(OrderRef Order, string Domain, MailProvider Provider, string ZoneId, TenantIds Tenants);

public sealed record VerifyDomainResult(string Domain, bool Verified);

/// <summary>
/// Asks the provider to verify the domain; throws <see cref="NotReadyYetException"/> until it does, so the durable
/// retry policy polls on timers. For Microsoft it then enables email and writes the MX/SPF/autodiscover records from
/// <c>serviceConfigurationRecords</c>, the DKIM selector CNAMEs and DMARC.
/// </summary>
/// <remarks>Idempotent: verification of a verified domain succeeds; records that exist count as written.</remarks>
public sealed class VerifyDomain(
    ICloudflareClientFactory cloudflare,
    IGoogleWorkspaceClientFactory google,
    IMicrosoftClientFactory microsoft
) : TaskActivity<VerifyDomainInput, VerifyDomainResult>
{
    public override async Task<VerifyDomainResult> RunAsync(TaskActivityContext context, VerifyDomainInput input)
    {
        var ct = CancellationToken.None;
        if (input.Provider == MailProvider.Google)
        {
            if (!await google.Create(input.Order.Scope).VerifyDomainAsync(input.Domain, ct))
            {
                throw new NotReadyYetException($"Google has not verified {input.Domain} yet.");
            }

            return new VerifyDomainResult(input.Domain, true);
        }

        var tenant = input.Tenants.MicrosoftTenantId ?? throw new InvalidOperationException("The order has no Microsoft tenant.");
        var client = microsoft.Create(input.Order.Scope);
        if (!await client.VerifyDomainAsync(tenant, input.Domain, ct))
        {
            throw new NotReadyYetException($"Microsoft has not verified {input.Domain} yet.");
        }

        await client.EnableEmailAsync(tenant, input.Domain, ct);
        var records = (await client.GetServiceConfigurationRecordsAsync(tenant, input.Domain, ct))
            .Select(r => WriteDnsRecords.ToRecord(input.Domain, r))
            .ToList();
        var initial = input.Tenants.MicrosoftInitialDomain ?? $"{tenant}.onmicrosoft.com";
        var dashed = input.Domain.Replace('.', '-');
        records.Add(new DnsRecordInput("CNAME", $"selector1._domainkey.{input.Domain}", $"selector1-{dashed}._domainkey.{initial}"));
        records.Add(new DnsRecordInput("CNAME", $"selector2._domainkey.{input.Domain}", $"selector2-{dashed}._domainkey.{initial}"));
        records.Add(WriteDnsRecords.Dmarc(input.Domain));
        var zone = cloudflare.Create(input.Order.Scope);
        foreach (var record in records)
        {
            await zone.CreateDnsRecordAsync(input.ZoneId, record, ct);
        }

        return new VerifyDomainResult(input.Domain, true);
    }
}

/// <summary>Typed call of <see cref="VerifyDomain"/> from an orchestration.</summary>
public static class VerifyDomainExtensions
{
    /// <summary>Schedules <see cref="VerifyDomain"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<VerifyDomainResult> VerifyDomainAsync(
        this TaskOrchestrationContext context,
        VerifyDomainInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<VerifyDomainResult>(nameof(VerifyDomain), input, options);
}
