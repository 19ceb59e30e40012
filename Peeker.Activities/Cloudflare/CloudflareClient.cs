using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Cloudflare;

/// <summary>Base URL, token and account for one Cloudflare account (live, or the sandbox partner's simulator account).</summary>
internal sealed record CloudflareSettings(string BaseUrl, string ApiToken, string AccountId);

/// <summary>
/// Cloudflare API v4 over the v4 envelope; error mapping lives in <see cref="ToException"/>. Every attempt spends from
/// the token's <see cref="ProviderBudget"/> (paced by <see cref="ProviderPacer"/>).
/// </summary>
internal sealed class CloudflareClient(
    HttpClient http,
    CloudflareSettings settings,
    ProviderBudget budget,
    ILogger<CloudflareClient> logger
) : ProviderClientBase(http, logger, ProviderNames.Cloudflare), ICloudflareClient
{
    /// <summary>Zone already exists on the account.</summary>
    public const int ZoneExists = 1061;

    private static readonly IReadOnlySet<int> ZoneExistsCodes = new HashSet<int> { ZoneExists };

    /// <summary>The record already exists / an identical record already exists.</summary>
    public static readonly IReadOnlySet<int> RecordExists = new HashSet<int> { 81057, 81058 };

    public async Task<CloudflareZone> CreateZoneAsync(string domain, CancellationToken cancellationToken)
    {
        var body = new CfCreateZone(domain, new CfAccountRef(settings.AccountId), "full", JumpStart: false);
        var (envelope, _) = await CallAsync<CfZone>(HttpMethod.Post, "/zones", body, cancellationToken, tolerated: ZoneExistsCodes);
        if (envelope.Success && envelope.Result is { } zone)
        {
            return Map(zone);
        }

        var existing =
            await FindZoneAsync(domain, cancellationToken)
            ?? throw new ProviderException(Provider, "1061", $"Zone {domain} exists but is not on our account.", isRetryable: false);
        return existing with { AlreadyExisted = true };
    }

    public async Task<CloudflareZone?> GetZoneAsync(string zoneId, CancellationToken cancellationToken)
    {
        var (envelope, status) = await CallAsync<CfZone>(
            HttpMethod.Get,
            $"/zones/{Uri.EscapeDataString(zoneId)}",
            null,
            cancellationToken,
            notFoundIsNull: true
        );
        return status == HttpStatusCode.NotFound || envelope.Result is null ? null : Map(envelope.Result);
    }

    public async Task<CloudflareZone?> FindZoneAsync(string domain, CancellationToken cancellationToken)
    {
        var path = $"/zones?name={Uri.EscapeDataString(domain)}&account.id={Uri.EscapeDataString(settings.AccountId)}";
        var (envelope, _) = await CallAsync<List<CfZone>>(HttpMethod.Get, path, null, cancellationToken);
        return envelope.Result is [var first, ..] ? Map(first) : null;
    }

    public async Task TriggerActivationCheckAsync(string zoneId, CancellationToken cancellationToken) =>
        await CallAsync<JsonElement>(HttpMethod.Put, $"/zones/{Uri.EscapeDataString(zoneId)}/activation_check", null, cancellationToken);

    public async Task DeleteZoneAsync(string zoneId, CancellationToken cancellationToken) =>
        await CallAsync<JsonElement>(
            HttpMethod.Delete,
            $"/zones/{Uri.EscapeDataString(zoneId)}",
            null,
            cancellationToken,
            notFoundIsNull: true
        );

    public async Task<IReadOnlyList<DnsRecord>> ListDnsRecordsAsync(
        string zoneId,
        string? type,
        string? name,
        CancellationToken cancellationToken
    )
    {
        var records = new List<DnsRecord>();
        for (var page = 1; ; page++)
        {
            var path = $"/zones/{Uri.EscapeDataString(zoneId)}/dns_records?page={page.ToString(CultureInfo.InvariantCulture)}&per_page=100";
            path += type is null ? "" : "&type=" + Uri.EscapeDataString(type);
            path += name is null ? "" : "&name=" + Uri.EscapeDataString(name);
            var (envelope, _) = await CallAsync<List<CfDnsRecord>>(HttpMethod.Get, path, null, cancellationToken);
            records.AddRange((envelope.Result ?? []).Select(Map));
            if (envelope.ResultInfo is null || page >= envelope.ResultInfo.TotalPages)
            {
                return records;
            }
        }
    }

    public async Task<DnsRecordResult> CreateDnsRecordAsync(string zoneId, DnsRecordInput record, CancellationToken cancellationToken)
    {
        var (envelope, _) = await CallAsync<CfDnsRecord>(
            HttpMethod.Post,
            $"/zones/{Uri.EscapeDataString(zoneId)}/dns_records",
            ToWire(record),
            cancellationToken,
            tolerated: RecordExists
        );
        return envelope.Success && envelope.Result is { } created
            ? new DnsRecordResult(Map(created), false)
            : new DnsRecordResult(null, true);
    }

    public async Task<IReadOnlyList<DnsRecord>> BatchDnsRecordsAsync(
        string zoneId,
        IReadOnlyList<string> deletes,
        IReadOnlyList<DnsRecordInput> posts,
        CancellationToken cancellationToken
    )
    {
        var body = new CfBatch(deletes.Select(id => new CfIdRef(id)).ToList(), posts.Select(ToWire).ToList());
        var (envelope, _) = await CallAsync<CfBatchResult>(
            HttpMethod.Post,
            $"/zones/{Uri.EscapeDataString(zoneId)}/dns_records/batch",
            body,
            cancellationToken,
            idempotent: false
        );
        return (envelope.Result?.Posts ?? []).Select(Map).ToList();
    }

    public async Task SetForwardingAsync(
        string zoneId,
        string hostname,
        string targetUrl,
        int statusCode,
        CancellationToken cancellationToken
    )
    {
        var rule = new CfRule(
            "redirect",
            $"(http.host eq \"{hostname}\")",
            "peeker forwarding " + hostname,
            Enabled: true,
            new CfRedirectParameters(new CfFromValue(new CfTargetUrl(targetUrl), statusCode, PreserveQueryString: true))
        );
        await CallAsync<JsonElement>(
            HttpMethod.Put,
            $"/zones/{Uri.EscapeDataString(zoneId)}/rulesets/phases/http_request_dynamic_redirect/entrypoint",
            new CfRuleset([rule]),
            cancellationToken
        );
    }

    /// <summary>Maps one answer: success, a tolerated error code (returned with Success false), or an exception.</summary>
    internal static ProviderException ToException(HttpStatusCode status, CfEnvelope<JsonElement>? envelope, TimeSpan? retryAfter)
    {
        var first = envelope?.Errors is [var error, ..] ? error : null;
        var code = first?.Code.ToString(CultureInfo.InvariantCulture) ?? "http_" + ((int)status).ToString(CultureInfo.InvariantCulture);
        var message = envelope?.Errors is { Count: > 0 } errors
            ? string.Join("; ", errors.Select(e => $"{e.Code} {e.Message}"))
            : status.ToString();
        return new ProviderException(
            ProviderNames.Cloudflare,
            code,
            message,
            ProviderResilience.IsTransient(status),
            retryAfter,
            (int)status
        );
    }

    private async Task<(CfEnvelope<T> Envelope, HttpStatusCode Status)> CallAsync<T>(
        HttpMethod method,
        string path,
        object? body,
        CancellationToken cancellationToken,
        IReadOnlySet<int>? tolerated = null,
        bool notFoundIsNull = false,
        bool idempotent = true
    )
    {
        using var request = budget.Spend(new HttpRequestMessage(method, settings.BaseUrl.TrimEnd('/') + path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", settings.ApiToken);
        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: CloudflareJson.Options);
        }

        if (!idempotent)
        {
            request.MarkNotIdempotent();
        }

        using var response = await SendAsync(request, cancellationToken);
        var text = await response.Content.ReadAsStringAsync(cancellationToken);
        if (response.IsSuccessStatusCode)
        {
            var ok = Deserialize<CfEnvelope<T>>(text, response);
            if (ok is { Success: true })
            {
                return (ok, response.StatusCode);
            }
        }

        if (notFoundIsNull && response.StatusCode == HttpStatusCode.NotFound)
        {
            return (new CfEnvelope<T>(false, null, null, default, null), response.StatusCode);
        }

        var failure = TryDeserialize<CfEnvelope<JsonElement>>(text);
        if (tolerated is not null && failure?.Errors is { Count: > 0 } errs && errs.All(e => tolerated.Contains(e.Code)))
        {
            return (new CfEnvelope<T>(false, errs, null, default, null), response.StatusCode);
        }

        throw ToException(response.StatusCode, failure, ProviderResilience.RetryAfterOf(response));
    }

    private T Deserialize<T>(string text, HttpResponseMessage response) =>
        TryDeserialize<T>(text)
        ?? throw new ProviderException(
            Provider,
            "bad_response",
            "Unreadable Cloudflare envelope.",
            isRetryable: false,
            statusCode: (int)response.StatusCode
        );

    private static T? TryDeserialize<T>(string text)
    {
        try
        {
            return JsonSerializer.Deserialize<T>(text, CloudflareJson.Options);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    private static CfDnsRecordInput ToWire(DnsRecordInput r) => new(r.Type, r.Name, r.Content, r.Ttl, r.Priority, r.Proxied, r.Comment);

    private static CloudflareZone Map(CfZone z) =>
        new(z.Id, z.Name, z.Status, z.NameServers ?? [], z.ActivatedOn) { CreatedOn = z.CreatedOn };

    private static DnsRecord Map(CfDnsRecord r) => new(r.Id, r.Type, r.Name, r.Content, r.Ttl, r.Priority, r.Proxied);
}
