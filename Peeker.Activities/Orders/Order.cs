using System.Text.Json.Serialization;

namespace Peeker.Activities.Orders;

/// <summary>Order statuses (spec section 6.7).</summary>
public static class OrderStatus
{
    /// <summary>Accepted, provisioning.</summary>
    public const string InProgress = "in_progress";

    /// <summary>Everything live.</summary>
    public const string Completed = "completed";

    /// <summary>Unrecoverable error.</summary>
    public const string Failed = "failed";

    /// <summary>Needs partner input (rows in <c>GET /orders/pending</c>).</summary>
    public const string ActionRequired = "action_required";

    /// <summary>Cancellation accepted, runs at the end of the renewal period.</summary>
    public const string CancelScheduled = "cancel_scheduled";

    /// <summary>Cancelled; domains released.</summary>
    public const string Cancelled = "cancelled";

    /// <summary>True for <c>cancel_scheduled</c> and <c>cancelled</c>: provisioning news no longer changes such a status.</summary>
    public static bool IsCancelling(string status) => status is CancelScheduled or Cancelled;

    /// <summary>All values, for filter validation.</summary>
    public static readonly IReadOnlyList<string> All = [InProgress, Completed, Failed, ActionRequired, CancelScheduled, Cancelled];
}

/// <summary>One persona inboxes are named after.</summary>
public sealed record Persona(string FirstName, string LastName, string? ProfilePictureUrl);

/// <summary>One cost line: <see cref="AmountCents"/> is the line total.</summary>
public sealed record LineItem(string Type, int Quantity, long AmountCents);

/// <summary>What the order costs per renewal period.</summary>
public sealed record OrderCosts(long TotalCents, string Currency, IReadOnlyList<LineItem> LineItems);

/// <summary>A domain on an order. <see cref="Source"/> is <c>registered</c> (bought by Peeker) or <c>imported</c> (from inventory).</summary>
public sealed record OrderDomain(
    string Id,
    string Domain,
    string Provider,
    string Source,
    string? ForwardingUrl,
    string Status,
    IReadOnlyList<string>? Inboxes = null
);

/// <summary>
/// A stored order with everything provisioning needs except the sequencer credentials (see <see cref="ISequencerCredentialStore"/>).
/// <see cref="MicrosoftTenantId"/> is the order's Microsoft 365 customer (Partner Center customer id = tenant id) once
/// provisioning created it; cancellation removes mailboxes and licences there. <see cref="InboxPasswordKeyId"/> is the
/// key the order's inbox passwords are derived under (recorded at the first derivation, see <c>InboxPasswords</c>).
/// <see cref="Failure"/> is the partner-facing reason of a failed order (a catalogue code, never provider text).
/// <see cref="ProvisioningAttempt"/> counts <c>POST /orders/{id}/retry</c>s: it names the provisioning orchestration
/// currently responsible for the order (<see cref="Provisioning.ProvisioningInstances"/>).
/// </summary>
public sealed record Order(
    string Id,
    string PartnerId,
    string UserId,
    string Email,
    string? BundleId,
    string Status,
    int GoogleLicenses,
    int MicrosoftLicenses,
    int GoogleInboxesPerDomain,
    long? SequencerClientId,
    string? ForwardingUrl,
    OrderCosts Costs,
    IReadOnlyList<OrderDomain> Domains,
    IReadOnlyList<Persona> Personas,
    DateTimeOffset RenewsAt,
    DateTimeOffset CreatedAt,
    DateTimeOffset? CancelsAt,
    string? MicrosoftTenantId = null,
    string? InboxPasswordKeyId = null,
    OrderFailure? Failure = null,
    int ProvisioningAttempt = 0,
    IReadOnlyList<string>? OpenActions = null,
    string? StatusBeforeAction = null
)
{
    /// <summary>
    /// The order with pending action <paramref name="actionId"/> open: <c>action_required</c> while it is open, the
    /// status it had remembered in <see cref="StatusBeforeAction"/>. A failed or cancelling order keeps its status.
    /// </summary>
    public Order WithOpenAction(string actionId)
    {
        var open = (OpenActions ?? []).Contains(actionId) ? OpenActions! : [.. OpenActions ?? [], actionId];
        return Status is OrderStatus.InProgress or OrderStatus.Completed
            ? this with
            {
                OpenActions = open,
                StatusBeforeAction = Status,
                Status = OrderStatus.ActionRequired,
            }
            : this with
            {
                OpenActions = open,
            };
    }

    /// <summary>The order with <paramref name="actionId"/> resolved: back to the remembered status once no action is open.</summary>
    public Order WithoutOpenAction(string actionId)
    {
        var open = (OpenActions ?? []).Where(a => a != actionId).ToList();
        return open.Count == 0 && Status == OrderStatus.ActionRequired
            ? this with
            {
                OpenActions = open,
                Status = StatusBeforeAction ?? OrderStatus.InProgress,
                StatusBeforeAction = null,
            }
            : this with
            {
                OpenActions = open,
            };
    }

    /// <summary>
    /// The order moved to <paramref name="status"/> by provisioning: an order waiting on the partner stays
    /// <c>action_required</c> and remembers <paramref name="status"/> for when its actions are resolved (a failure wins).
    /// </summary>
    public Order WithProvisioningStatus(string status) =>
        Status == OrderStatus.ActionRequired && status != OrderStatus.Failed && (OpenActions?.Count ?? 0) > 0
            ? this with
            {
                StatusBeforeAction = status,
            }
            : this with
            {
                Status = status,
                StatusBeforeAction = status == OrderStatus.Failed ? null : StatusBeforeAction,
            };
}

/// <summary>
/// A row of <c>GET /orders/pending</c>. <see cref="ResolvedAt"/> is set once the row is <c>resolved</c> (an extension
/// field); <see cref="Email"/> is the mailbox whose step is blocked (stored, not shown).
/// </summary>
public sealed record PendingAction(
    string Id,
    string OrderId,
    string? UserId,
    string Type,
    string Reason,
    string Status,
    string? DomainId,
    string? Domain,
    Persona? User,
    string Message,
    DateTimeOffset CreatedAt,
    [property: JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] DateTimeOffset? ResolvedAt = null,
    [property: JsonIgnore] string? Email = null
);
