namespace Peeker.Activities.Domains;

/// <summary>
/// Statuses of a domain row (<c>GET /domains</c>): an inventory row is <c>available</c>; a connected row goes
/// <c>provisioning</c> → <c>active</c>, and on cancellation <c>cancel_scheduled</c> before it returns to the inventory.
/// </summary>
public static class DomainStatus
{
    /// <summary>In the inventory: ready for an order.</summary>
    public const string Available = "available";

    /// <summary>On an order that is still setting it up.</summary>
    public const string Provisioning = "provisioning";

    /// <summary>On an order, connected: DNS, tenant and inboxes are live.</summary>
    public const string Active = "active";

    /// <summary>On an order whose cancellation of this domain was accepted.</summary>
    public const string CancelScheduled = "cancel_scheduled";

    /// <summary>
    /// The values the <c>status</c> filter accepts: every value a row can hold, and three the filter accepted before
    /// rows had a lifecycle and still accepts so no partner's query turns into a 400 (<c>action_required</c>,
    /// <c>failed</c>, <c>cancelled</c>: no row holds them; a cancelled domain returns to the inventory as <c>available</c>).
    /// </summary>
    public static readonly IReadOnlyList<string> All =
    [
        Available,
        Provisioning,
        Active,
        "action_required",
        "failed",
        CancelScheduled,
        "cancelled",
    ];
}
