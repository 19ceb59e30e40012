using System.Text.Json.Serialization;

namespace Peeker.Activities.Swaps;

/// <summary>
/// A swap row as <c>GET /swaps/{id}</c>, the list and the <c>swap.*</c> events show it: the spec's fields (id, type,
/// domain_id, replacement_domain, status, created_at) plus the old domain's name, the order and user, the replacement's
/// id once it has one, the inbox a user-name row is about, the reason of a failed or waiting row, the end of a premium
/// swap's warm period and the update and completion times.
/// </summary>
public sealed record SwapView(
    string Id,
    string Type,
    string DomainId,
    string Domain,
    string? ReplacementDomain,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? ReplacementDomainId,
    string? OrderId,
    string? UserId,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? Inbox,
    string Status,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] SwapReason? Reason,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? WarmUntil,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? CompletedAt
)
{
    /// <summary>The view of a stored row.</summary>
    public static SwapView Of(Swap s) =>
        new(
            s.Id,
            s.Type,
            s.DomainId,
            s.Domain,
            s.ReplacementDomain,
            s.ReplacementDomainId,
            s.OrderId,
            s.UserId,
            s.Inbox,
            s.Status,
            s.Reason,
            s.WarmUntil,
            s.CreatedAt,
            s.UpdatedAt,
            s.CompletedAt
        );
}
