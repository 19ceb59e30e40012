using System.Text.Json;
using System.Text.Json.Serialization;

namespace Peeker.Activities.Cloudflare;

/// <summary>The v4 envelope every Cloudflare answer uses.</summary>
internal sealed record CfEnvelope<T>(bool Success, List<CfMessage>? Errors, List<CfMessage>? Messages, T? Result, CfResultInfo? ResultInfo);

internal sealed record CfMessage(int Code, string? Message);

internal sealed record CfResultInfo(int Page, int PerPage, int Count, int TotalCount, int TotalPages);

internal sealed record CfZone(
    string Id,
    string Name,
    string Status,
    List<string>? NameServers,
    DateTimeOffset? ActivatedOn,
    DateTimeOffset? CreatedOn = null
);

internal sealed record CfCreateZone(string Name, CfAccountRef Account, string Type, bool JumpStart);

internal sealed record CfAccountRef(string Id);

internal sealed record CfDnsRecord(string Id, string Type, string Name, string Content, int Ttl, int? Priority, bool Proxied);

internal sealed record CfDnsRecordInput(
    string Type,
    string Name,
    string Content,
    int Ttl,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] int? Priority,
    bool Proxied,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Comment
);

internal sealed record CfBatch(List<CfIdRef> Deletes, List<CfDnsRecordInput> Posts);

internal sealed record CfIdRef(string Id);

internal sealed record CfBatchResult(List<CfDnsRecord>? Deletes, List<CfDnsRecord>? Posts);

internal sealed record CfRuleset(List<CfRule> Rules);

internal sealed record CfRule(string Action, string Expression, string Description, bool Enabled, CfRedirectParameters ActionParameters);

internal sealed record CfRedirectParameters(CfFromValue FromValue);

internal sealed record CfFromValue(CfTargetUrl TargetUrl, int StatusCode, bool PreserveQueryString);

internal sealed record CfTargetUrl(string Value);

internal static class CloudflareJson
{
    /// <summary>Cloudflare's JSON is snake_case.</summary>
    public static readonly JsonSerializerOptions Options = new(JsonSerializerDefaults.Web)
    {
        PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower,
    };
}
