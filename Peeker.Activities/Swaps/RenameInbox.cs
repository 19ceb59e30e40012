using Microsoft.DurableTask;
using Peeker.Activities.Common;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;

namespace Peeker.Activities.Swaps;

public sealed record RenameInboxInput(
    SwapRef Swap,
    string OrderId,
    string Domain,
    MailProvider Provider,
    string? MicrosoftTenantId,
    PlannedRename Rename
);

/// <summary>The renamed inbox; <see cref="PictureProblem"/> is set when its new profile picture could not be applied.</summary>
public sealed record RenameInboxResult(string OldEmail, string NewEmail, string DisplayName, bool AlreadyRenamed, string? PictureProblem);

/// <summary>
/// Renames one inbox of a user-name swap row: Google Workspace <c>users.update</c> (new names and primary address, the
/// old address kept as an alias, then the new profile picture) or Graph <c>PATCH /users</c> (UPN, nickname, display and
/// given/surnames); then records the new address on the order's domain.
/// </summary>
/// <remarks>
/// Idempotent per row and mailbox: the provider call finds the user under its old address or, when an earlier try renamed
/// it and the answer was lost, under its new one, and sets the same values again; the order keeps one address per inbox.
/// A picture that cannot be fetched or that Google rejects is data (the row becomes <c>action_required</c>), as in
/// <see cref="CreateInbox"/>. No compensation: a rename is undone by renaming again.
/// </remarks>
public sealed class RenameInbox(
    IGoogleWorkspaceClientFactory google,
    IMicrosoftClientFactory microsoft,
    OrderStore orders,
    IHttpClientFactory http
) : TaskActivity<RenameInboxInput, RenameInboxResult>
{
    public override async Task<RenameInboxResult> RunAsync(TaskActivityContext context, RenameInboxInput input)
    {
        var ct = CancellationToken.None;
        var r = input.Rename;
        var newEmail = $"{r.NewLocalPart}@{input.Domain}";
        var display = $"{r.FirstName} {r.LastName}".Trim();
        bool already;
        string? problem = null;
        if (input.Provider == MailProvider.Microsoft)
        {
            var tenant = input.MicrosoftTenantId ?? throw new InvalidOperationException("The order has no Microsoft tenant.");
            already = (
                await microsoft
                    .Create(input.Swap.Scope)
                    .RenameUserAsync(tenant, new MicrosoftRenameInput(r.CurrentEmail, newEmail, display, r.FirstName, r.LastName), ct)
            ).AlreadyRenamed;
        }
        else
        {
            var workspace = google.Create(input.Swap.Scope);
            already = (
                await workspace.RenameUserAsync(new GoogleRenameInput(r.CurrentEmail, newEmail, r.FirstName, r.LastName), ct)
            ).AlreadyRenamed;
            if (r.ProfilePictureUrl is { } url)
            {
                try
                {
                    var (bytes, mime) =
                        input.Swap.Environment == PeekerEnvironment.Test
                            ? (CreateInbox.SandboxPicture, "image/png")
                            : await CreateInbox.DownloadAsync(http, url, ct);
                    await workspace.SetProfilePhotoAsync(newEmail, bytes, mime, ct);
                }
                catch (Exception ex)
                    when (ex
                            is HttpRequestException
                                or OperationCanceledException
                                or InvalidDataException
                                or ProviderException { IsRetryable: false }
                    )
                {
                    problem = CreateInbox.PictureNotAccessible;
                }
            }
        }

        await orders.UpdateAsync(
            input.Swap.Environment,
            input.OrderId,
            o =>
                o with
                {
                    Domains =
                    [
                        .. o.Domains.Select(d =>
                            d.Domain != input.Domain || d.Inboxes is null
                                ? d
                                : d with
                                {
                                    Inboxes =
                                    [
                                        .. d.Inboxes.Select(a =>
                                            string.Equals(a, r.CurrentEmail, StringComparison.OrdinalIgnoreCase) ? newEmail : a
                                        ),
                                    ],
                                }
                        ),
                    ],
                },
            ct
        );
        return new RenameInboxResult(r.CurrentEmail, newEmail, display, already, problem);
    }
}

/// <summary>Typed call of <see cref="RenameInbox"/> from an orchestration.</summary>
public static class RenameInboxExtensions
{
    /// <summary>Schedules <see cref="RenameInbox"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<RenameInboxResult> RenameInboxAsync(
        this TaskOrchestrationContext context,
        RenameInboxInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<RenameInboxResult>(nameof(RenameInbox), input, options);
}
