using Microsoft.DurableTask;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;

namespace Peeker.Activities.Provisioning;

/// <summary>The customer's tenants at the mail providers, as <c>EnsureGoogleTenant</c> / <c>EnsureMicrosoftTenant</c> returned them.</summary>
public sealed record TenantIds(string? GoogleCustomerId, string? MicrosoftTenantId, string? MicrosoftInitialDomain);

public sealed record WriteDnsRecordsInput(OrderRef Order, string Domain, MailProvider Provider, string ZoneId, TenantIds Tenants);

public sealed record WriteDnsRecordsResult(string Domain, int RecordsWritten);

/// <summary>
/// Writes the records the mail provider needs before verification. Google: verification TXT, MX
/// <c>smtp.google.com</c>, SPF, DMARC. Microsoft: adds the domain to the tenant and writes the verification records
/// its API returns (the mail records follow in <see cref="VerifyDomain"/>, from <c>serviceConfigurationRecords</c>).
/// </summary>
/// <remarks>Idempotent: Cloudflare's 81057/81058 "record exists" counts as written; Graph's existing domain is reused.</remarks>
public sealed class WriteDnsRecords(
    ICloudflareClientFactory cloudflare,
    IGoogleWorkspaceClientFactory google,
    IMicrosoftClientFactory microsoft
) : TaskActivity<WriteDnsRecordsInput, WriteDnsRecordsResult>
{
    public override async Task<WriteDnsRecordsResult> RunAsync(TaskActivityContext context, WriteDnsRecordsInput input)
    {
        var ct = CancellationToken.None;
        var records = new List<DnsRecordInput>();
        if (input.Provider == MailProvider.Google)
        {
            var token = await google.Create(input.Order.Scope).GetVerificationTokenAsync(input.Domain, ct);
            records.Add(new DnsRecordInput("TXT", input.Domain, token, Comment: "google verification"));
            records.Add(new DnsRecordInput("MX", input.Domain, "smtp.google.com", Priority: 1));
            records.Add(new DnsRecordInput("TXT", input.Domain, "v=spf1 include:_spf.google.com ~all"));
            records.Add(Dmarc(input.Domain));
        }
        else
        {
            var tenant = input.Tenants.MicrosoftTenantId ?? throw new InvalidOperationException("The order has no Microsoft tenant.");
            var client = microsoft.Create(input.Order.Scope);
            await client.AddDomainAsync(tenant, input.Domain, ct);
            records.AddRange((await client.GetVerificationRecordsAsync(tenant, input.Domain, ct)).Select(r => ToRecord(input.Domain, r)));
        }

        var zone = cloudflare.Create(input.Order.Scope);
        foreach (var record in records)
        {
            await zone.CreateDnsRecordAsync(input.ZoneId, record, ct);
        }

        return new WriteDnsRecordsResult(input.Domain, records.Count);
    }

    /// <summary>The DMARC policy we publish for new sending domains (monitoring only).</summary>
    public static DnsRecordInput Dmarc(string domain) => new("TXT", $"_dmarc.{domain}", $"v=DMARC1; p=none; rua=mailto:dmarc@{domain}");

    /// <summary>A Cloudflare record from a record Microsoft's API returned (values are never built from a pattern).</summary>
    public static DnsRecordInput ToRecord(string domain, MicrosoftDnsRecord r)
    {
        var name = string.IsNullOrEmpty(r.Label) || r.Label == "@" ? domain : r.Label;
        return r.RecordType.ToUpperInvariant() switch
        {
            "MX" => new DnsRecordInput("MX", name, r.MailExchange ?? string.Empty, Priority: r.Preference ?? 0),
            "CNAME" => new DnsRecordInput("CNAME", name, r.CanonicalName ?? string.Empty),
            _ => new DnsRecordInput("TXT", name, r.Text ?? string.Empty),
        };
    }
}

/// <summary>Typed call of <see cref="WriteDnsRecords"/> from an orchestration.</summary>
public static class WriteDnsRecordsExtensions
{
    /// <summary>Schedules <see cref="WriteDnsRecords"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<WriteDnsRecordsResult> WriteDnsRecordsAsync(
        this TaskOrchestrationContext context,
        WriteDnsRecordsInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<WriteDnsRecordsResult>(nameof(WriteDnsRecords), input, options);
}
