using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Swaps;

/// <summary>Swap types (spec section 3.5): two domain swaps and the rename of a domain's inboxes.</summary>
public static class SwapType
{
    /// <summary>The old domain is retired as soon as the new one is live.</summary>
    public const string Standard = "standard";

    /// <summary>The old domain stays warm next to the new one before it is retired (Microsoft domains only).</summary>
    public const string Premium = "premium";

    /// <summary>One row per inbox of a domain whose inboxes are renamed (<c>POST /swaps/user_names</c>).</summary>
    public const string UserNames = "user_names";

    /// <summary>Every value.</summary>
    public static readonly IReadOnlyList<string> All = [Standard, Premium, UserNames];
}

/// <summary>Swap statuses (spec section 3.5): <c>created</c> → <c>in_progress</c> → <c>completed</c> | <c>failed</c>, with <c>action_required</c> as a detour.</summary>
public static class SwapStatus
{
    public const string Created = "created";
    public const string InProgress = "in_progress";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string ActionRequired = "action_required";

    /// <summary>Every value, for filter validation.</summary>
    public static readonly IReadOnlyList<string> All = [Created, InProgress, Completed, Failed, ActionRequired];

    /// <summary>True once nothing more happens to the row.</summary>
    public static bool IsFinished(string status) => status is Completed or Failed;
}

/// <summary>The <c>swap.*</c> webhook event types (spec section 7.6).</summary>
public static class SwapEvents
{
    public const string Created = "swap.created";
    public const string InProgress = "swap.in_progress";
    public const string Completed = "swap.completed";
    public const string Failed = "swap.failed";
    public const string ActionRequired = "swap.action_required";

    /// <summary>The status a row reaches with the event.</summary>
    public static string StatusOf(string type) =>
        type switch
        {
            Created => SwapStatus.Created,
            InProgress => SwapStatus.InProgress,
            Completed => SwapStatus.Completed,
            Failed => SwapStatus.Failed,
            ActionRequired => SwapStatus.ActionRequired,
            _ => throw new ArgumentOutOfRangeException(nameof(type), type, "Not a swap event."),
        };
}

/// <summary>
/// Why a swap failed or waits, as partners see it: a stable <see cref="Code"/>, a fixed message and the step
/// (<c>register</c>, <c>dns</c>, <c>inboxes</c>, <c>detach</c>…). Provider and engine text never goes here.
/// </summary>
public sealed record SwapReason(string Code, string Message, string? Step);

/// <summary>Which swap an activity works for. Ids only.</summary>
public sealed record SwapRef(string SwapId, PeekerEnvironment Environment, string PartnerId)
{
    /// <summary>The provider scope of the swap's environment and partner.</summary>
    public ProviderScope Scope => new(Environment, PartnerId);
}

/// <summary>
/// A stored swap row (<c>swp_…</c>). Domain swaps have one row; user-name swaps one row per inbox (<see cref="Inbox"/>).
/// <see cref="Reason"/> explains <c>failed</c> and <c>action_required</c>. <see cref="Personas"/> name the new inboxes
/// (null: the old domain's personas), <see cref="ReplacementSource"/> is <c>registered</c> (bought by us) or
/// <c>imported</c>, <see cref="ReplacementDomainId"/> is the replacement's <c>dom_…</c> once it has one,
/// <see cref="WarmUntil"/> is when a premium swap's old domain stops being kept warm, <see cref="InboxCount"/> the
/// inboxes of the retired domain (what a premium swap counts against the quota). <see cref="ReplacementPriceCents"/> is
/// the registration price of a replacement we buy (quoted at acceptance; null for an imported one), which replaces the
/// old domain's share of the order's <c>domain_registration</c> line once the swap completes.
/// <see cref="LicensesRaisedTo"/> is the Microsoft licence quantity the swap set for its new inboxes (recorded before the
/// purchase, so a retry never buys twice).
/// </summary>
public sealed record Swap(
    string Id,
    string PartnerId,
    string Type,
    string DomainId,
    string Domain,
    string? ReplacementDomain,
    string? OrderId,
    string? UserId,
    string Status,
    SwapReason? Reason,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? CompletedAt
)
{
    public string? ReplacementDomainId { get; init; }

    public string? ReplacementSource { get; init; }

    public string? Provider { get; init; }

    public string? Inbox { get; init; }

    public IReadOnlyList<Persona>? Personas { get; init; }

    public DateTimeOffset? WarmUntil { get; init; }

    public int InboxCount { get; init; }

    public long? ReplacementPriceCents { get; init; }

    public int? LicensesRaisedTo { get; init; }
}
