namespace Peeker.Sandbox.Cloudflare;

/// <summary>A simulated zone.</summary>
public sealed record CloudflareZoneState(
    string Id,
    string Name,
    string AccountId,
    List<string> NameServers,
    string Status,
    DateTimeOffset CreatedOn,
    DateTimeOffset? ActivatedOn
);

/// <summary>A simulated DNS record (FQDN name).</summary>
public sealed record CloudflareRecordState(
    string Id,
    string ZoneId,
    string ZoneName,
    string Type,
    string Name,
    string Content,
    int Ttl,
    int? Priority,
    bool Proxied,
    string? Comment,
    DateTimeOffset CreatedOn
);

/// <summary>A zone ruleset phase entrypoint (Single Redirects live in <c>http_request_dynamic_redirect</c>).</summary>
public sealed record CloudflareRulesetState(
    string Id,
    string ZoneId,
    string Phase,
    int Version,
    string RulesJson,
    DateTimeOffset LastUpdated
);
