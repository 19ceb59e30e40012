using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Orders;

/// <summary>
/// <c>POST /orders/pending/{id}/resolve</c>: stores the partner's fix for an open pending action (a new
/// <c>profile_picture_url</c>, also written to the order's persona so a later re-run of provisioning uses it) and tells
/// the action's re-check loop to retry the blocked step now (<see cref="IOrderWorkflows.NotifyPendingActionFixAsync"/>).
/// The row becomes <c>resolved</c> when that retry goes through; until then it stays <c>open</c>.
/// </summary>
/// <remarks>404 <c>not_found</c> for an id not of this partner; 409 <c>action_already_resolved</c> for a resolved row.</remarks>
public sealed class PendingActionResolution(PendingActionStore actions, OrderStore orders, IOrderWorkflows workflows)
{
    /// <summary>Stores <paramref name="pictureUrl"/> on the action and its persona and asks for a retry; returns the row as stored.</summary>
    public async Task<PendingAction> ResolveAsync(
        ProviderScope scope,
        string actionId,
        string? pictureUrl,
        CancellationToken cancellationToken
    )
    {
        var env = scope.Environment;
        var action =
            await actions.GetAsync(env, scope.PartnerId, actionId, cancellationToken) ?? throw ApiException.NotFound("pending action");
        if (action.Type == DomainNameserversActionType)
        {
            // Fixed at the customer's registrar, not here: the call only asks the re-check loop to look now.
            if (action.Status != PendingActionStatus.Open)
            {
                throw AlreadyResolved(action.Status);
            }

            await workflows.NotifyPendingActionFixAsync(env, scope.PartnerId, actionId, CancellationToken.None);
            return action;
        }

        if (pictureUrl is null)
        {
            throw ApiException.Invalid("profile_picture_url", "profile_picture_url is required to resolve this action.");
        }
        var previous = action.User;
        var updated =
            await actions.UpdateAsync(
                env,
                scope.PartnerId,
                actionId,
                a =>
                    a.Status != PendingActionStatus.Open
                        ? a
                        : a with
                        {
                            User = (a.User ?? new Persona("", "", null)) with { ProfilePictureUrl = pictureUrl },
                        },
                cancellationToken
            ) ?? throw ApiException.NotFound("pending action");
        if (updated.Status != PendingActionStatus.Open)
        {
            throw AlreadyResolved(updated.Status);
        }

        if (previous is not null)
        {
            // The persona the inbox is named after: later provisioning runs (a retry of the order) use the new picture.
            await orders.UpdateAsync(
                env,
                updated.OrderId,
                o =>
                    o with
                    {
                        Personas =
                        [
                            .. o.Personas.Select(p =>
                                p.FirstName == previous.FirstName && p.LastName == previous.LastName
                                    ? p with
                                    {
                                        ProfilePictureUrl = pictureUrl,
                                    }
                                    : p
                            ),
                        ],
                    },
                CancellationToken.None
            );
        }

        await workflows.NotifyPendingActionFixAsync(env, scope.PartnerId, actionId, CancellationToken.None);
        return updated;
    }

    /// <summary>The <c>type</c> of a domain-level action (an imported domain whose nameservers were changed back).</summary>
    public const string DomainNameserversActionType = "domain_nameservers";

    private static ApiException AlreadyResolved(string status) =>
        new(
            409,
            ErrorCodes.ActionAlreadyResolved,
            "This pending action is already resolved.",
            null,
            new Dictionary<string, object?> { ["status"] = status }
        );
}
