using Peeker.Activities.Common;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Swaps;

/// <summary>
/// Input of the user-name swap orchestration: the rows of one <c>POST /swaps/user_names</c> in inbox order.
/// <see cref="BatchId"/> is the first row's id: it names the orchestration instance and holds the domain's swap claim.
/// </summary>
public sealed record UserNameSwapInput(string BatchId, PeekerEnvironment Environment, string PartnerId, IReadOnlyList<string> SwapIds)
{
    /// <summary>The ref of row <paramref name="swapId"/>.</summary>
    public SwapRef Row(string swapId) => new(swapId, Environment, PartnerId);
}

/// <summary>One inbox to rename: its current address, the new local part (from <see cref="InboxNaming"/>) and the persona.</summary>
public sealed record PlannedRename(
    string SwapId,
    string CurrentEmail,
    string NewLocalPart,
    string FirstName,
    string LastName,
    string? ProfilePictureUrl
);

/// <summary>Partner-facing reasons of user-name swap rows (never provider text).</summary>
public static class UserNameSwapReasons
{
    /// <summary>The mail provider refused or kept failing the rename.</summary>
    public static readonly SwapReason RenameFailed = new(
        Orders.OrderFailureCodes.MailboxFailed,
        "The inbox could not be renamed at the mail provider.",
        "inboxes"
    );

    /// <summary>The inbox was renamed, but its sequencer account could not be updated.</summary>
    public static readonly SwapReason SequencerFailed = new(
        Orders.OrderFailureCodes.SequencerFailed,
        "The inbox was renamed, but its sequencer account could not be updated.",
        "sequencer"
    );

    /// <summary>The inbox was renamed, but its profile picture is not publicly reachable.</summary>
    public static readonly SwapReason PictureNotAccessible = new(
        CreateInbox.PictureNotAccessible,
        "The inbox was renamed, but its profile picture is not publicly reachable: send a public image URL, null or \"\".",
        "inboxes"
    );
}

/// <summary>Starts the user-name swap orchestration (the seam between the Partner API and the engine).</summary>
public interface IUserNameSwapWorkflows
{
    /// <summary>Starts <c>UserNameSwapOrchestrator</c> for the rows (instance id derived from <see cref="UserNameSwapInput.BatchId"/>; idempotent).</summary>
    Task StartAsync(UserNameSwapInput input, CancellationToken cancellationToken);
}
