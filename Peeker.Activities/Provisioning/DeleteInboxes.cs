using Microsoft.DurableTask;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// The domain whose mailboxes go. <see cref="CurrentAddresses"/> are the addresses the order records now (after
/// user-name swaps); they are deleted besides the planned ones, which name the mailboxes as first created.
/// </summary>
public sealed record DeleteInboxesInput(
    OrderRef Order,
    PlannedDomain Domain,
    string? MicrosoftTenantId,
    IReadOnlyList<string>? CurrentAddresses = null
);

/// <summary>How many of the domain's mailboxes this call deleted (the rest were already gone).</summary>
public sealed record DeleteInboxesResult(string Domain, int Deleted);

/// <summary>
/// Deletes a cancelled domain's mailboxes (the undo of <see cref="CreateInbox"/>): its Google Workspace users, or its
/// Microsoft 365 users and then the domain itself from the order's tenant, so the domain can be used elsewhere.
/// </summary>
/// <remarks>
/// Idempotent: a mailbox or domain that is already gone (404) counts as deleted; so does a planned address that a rename
/// replaced (the mailbox is deleted under its current address). Deleting a Microsoft user frees its
/// licence; <see cref="RevokeLicenses"/> then gives the freed licences back.
/// </remarks>
public sealed class DeleteInboxes(IGoogleWorkspaceClientFactory google, IMicrosoftClientFactory microsoft)
    : TaskActivity<DeleteInboxesInput, DeleteInboxesResult>
{
    public override async Task<DeleteInboxesResult> RunAsync(TaskActivityContext context, DeleteInboxesInput input)
    {
        var ct = CancellationToken.None;
        var domain = input.Domain;
        // Planned names catch mailboxes of a run that failed before recording them; current ones catch renamed mailboxes.
        var addresses = domain
            .Inboxes.Select(i => $"{i.LocalPart}@{domain.Domain}")
            .Concat(input.CurrentAddresses ?? [])
            .Distinct(StringComparer.OrdinalIgnoreCase)
            .ToList();
        var deleted = 0;
        if (domain.Provider == MailProvider.Google)
        {
            var workspace = google.Create(input.Order.Scope);
            foreach (var address in addresses)
            {
                deleted += await workspace.DeleteUserAsync(address, ct) ? 1 : 0;
            }

            return new DeleteInboxesResult(domain.Domain, deleted);
        }

        if (input.MicrosoftTenantId is not { } tenant)
        {
            // Provisioning never reached the tenant: there is nothing to delete.
            return new DeleteInboxesResult(domain.Domain, 0);
        }

        var client = microsoft.Create(input.Order.Scope);
        foreach (var address in addresses)
        {
            deleted += await client.DeleteUserAsync(tenant, address, ct) ? 1 : 0;
        }

        await client.RemoveDomainAsync(tenant, domain.Domain, ct);
        return new DeleteInboxesResult(domain.Domain, deleted);
    }
}

/// <summary>Typed call of <see cref="DeleteInboxes"/> from an orchestration.</summary>
public static class DeleteInboxesExtensions
{
    /// <summary>Schedules <see cref="DeleteInboxes"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<DeleteInboxesResult> DeleteInboxesAsync(
        this TaskOrchestrationContext context,
        DeleteInboxesInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<DeleteInboxesResult>(nameof(DeleteInboxes), input, options);
}
