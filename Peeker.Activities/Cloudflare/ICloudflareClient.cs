using Peeker.Activities.Providers;

namespace Peeker.Activities.Cloudflare;

/// <summary>Cloudflare API v4 for our account: zones, DNS records, and forwarding by Single Redirects (redirect rules).</summary>
public interface ICloudflareClient
{
    /// <summary>
    /// Creates a full zone (<c>jump_start:false</c>); code 1061 (exists) answers the existing zone with
    /// <see cref="CloudflareZone.AlreadyExisted"/>, which the caller must not use unless it is recorded as its own
    /// (<see cref="Domains.DomainStore.IsOwnZoneAsync"/>).
    /// </summary>
    Task<CloudflareZone> CreateZoneAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Status and assigned nameservers, or null when the zone id is unknown.</summary>
    Task<CloudflareZone?> GetZoneAsync(string zoneId, CancellationToken cancellationToken);

    /// <summary>The account's zone for <paramref name="domain"/>, or null.</summary>
    Task<CloudflareZone?> FindZoneAsync(string domain, CancellationToken cancellationToken);

    /// <summary>Asks Cloudflare to re-check the nameservers of a pending zone.</summary>
    Task TriggerActivationCheckAsync(string zoneId, CancellationToken cancellationToken);

    /// <summary>Deletes a zone; an unknown zone counts as deleted.</summary>
    Task DeleteZoneAsync(string zoneId, CancellationToken cancellationToken);

    /// <summary>All records (every page), optionally filtered by type and FQDN.</summary>
    Task<IReadOnlyList<DnsRecord>> ListDnsRecordsAsync(string zoneId, string? type, string? name, CancellationToken cancellationToken);

    /// <summary>Creates one record; 81057/81058 (record exists) answer <see cref="DnsRecordResult.AlreadyExisted"/>.</summary>
    Task<DnsRecordResult> CreateDnsRecordAsync(string zoneId, DnsRecordInput record, CancellationToken cancellationToken);

    /// <summary>One transaction: deletes first, then posts. Not retried in-process (a replay could partly apply twice).</summary>
    Task<IReadOnlyList<DnsRecord>> BatchDnsRecordsAsync(
        string zoneId,
        IReadOnlyList<string> deletes,
        IReadOnlyList<DnsRecordInput> posts,
        CancellationToken cancellationToken
    );

    /// <summary>
    /// Forwards every request for <paramref name="hostname"/> to <paramref name="targetUrl"/> with a Single Redirect rule
    /// (replaces the zone's <c>http_request_dynamic_redirect</c> entrypoint). The host needs a proxied placeholder record.
    /// </summary>
    Task SetForwardingAsync(string zoneId, string hostname, string targetUrl, int statusCode, CancellationToken cancellationToken);
}

/// <summary>Creates the Cloudflare client for a caller's environment and partner.</summary>
public interface ICloudflareClientFactory
{
    ICloudflareClient Create(ProviderScope scope);
}

/// <summary>A zone: <see cref="Status"/> is <c>pending</c> until the registrar points at <see cref="NameServers"/>, then <c>active</c>.</summary>
public sealed record CloudflareZone(
    string Id,
    string Name,
    string Status,
    IReadOnlyList<string> NameServers,
    DateTimeOffset? ActivatedOn,
    bool AlreadyExisted = false
)
{
    /// <summary>When Cloudflare created the zone (tells a zone we created from an older one of the same name).</summary>
    public DateTimeOffset? CreatedOn { get; init; }
}

/// <summary>A record to write. <see cref="Ttl"/> 1 means automatic; <see cref="Priority"/> is required for MX.</summary>
public sealed record DnsRecordInput(
    string Type,
    string Name,
    string Content,
    int Ttl = 1,
    int? Priority = null,
    bool Proxied = false,
    string? Comment = null
);

/// <summary>A record as Cloudflare stores it (FQDN name).</summary>
public sealed record DnsRecord(string Id, string Type, string Name, string Content, int Ttl, int? Priority, bool Proxied);

/// <summary>Result of a single create: the record, or <see cref="AlreadyExisted"/> when Cloudflare already had it.</summary>
public sealed record DnsRecordResult(DnsRecord? Record, bool AlreadyExisted);
