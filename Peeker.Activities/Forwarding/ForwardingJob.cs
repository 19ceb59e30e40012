using System.Text.Json.Serialization;

namespace Peeker.Activities.Forwarding;

/// <summary>Forwarding job statuses (spec section 8.2): <c>in_progress</c>, then <c>completed</c>, <c>partial_success</c> or <c>failed</c>.</summary>
public static class ForwardingJobStatus
{
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string PartialSuccess = "partial_success";
    public const string Failed = "failed";

    /// <summary>The terminal status for these counts.</summary>
    public static string Of(int completed, int failed) =>
        failed == 0 ? Completed
        : completed == 0 ? Failed
        : PartialSuccess;
}

/// <summary>Why a domain's forwarding change failed (spec section 8.2).</summary>
public static class ForwardingFailureReason
{
    /// <summary>The domain does not resolve through our DNS (no active zone): re-import it or wait.</summary>
    public const string DnsLookupFailed = "dns_lookup_failed";

    /// <summary>The target answered 5xx (or not at all) when we checked it.</summary>
    public const string TargetUnreachable = "target_unreachable";

    /// <summary>The target is malformed, not http(s), internal, or the domain itself.</summary>
    public const string InvalidTarget = "invalid_target";
}

/// <summary>One domain of a job.</summary>
public sealed record ForwardingJobDomain(string Id, string Domain);

/// <summary>A domain that failed, and why.</summary>
public sealed record ForwardingFailure(string Domain, string Reason);

/// <summary>A forwarding job as <c>GET /domains/forwarding/{id}</c> shows it.</summary>
public sealed record ForwardingJob(
    string Id,
    string Status,
    string ForwardingUrl,
    IReadOnlyList<string> Completed,
    IReadOnlyList<ForwardingFailure> Failed,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? CompletedAt
)
{
    /// <summary>How many domains now point at the target.</summary>
    public int CompletedCount => Completed.Count;

    /// <summary>How many domains failed.</summary>
    public int FailedCount => Failed.Count;

    /// <summary>The domains the job changes (stored, not part of the API shape).</summary>
    [JsonIgnore]
    public IReadOnlyList<ForwardingJobDomain> Domains { get; init; } = [];
}
