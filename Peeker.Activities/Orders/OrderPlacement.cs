using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Bundles;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;
using Peeker.Activities.Users;

namespace Peeker.Activities.Orders;

/// <summary>
/// Places an order (spec section 6): replays identical bodies (starting an <c>in_progress</c> order's provisioning
/// again, idempotently), validates every rule with reads only, then claims the domains, persists the order and starts
/// <c>ProvisionOrder</c>. A rejected order changes nothing; the commit ignores the caller's cancellation, and a failure
/// in it is rolled back and reported as <c>internal_error</c> (nothing is charged before provisioning;
/// <c>LoadOrderPlan</c> refuses to provision an order that is no longer <c>in_progress</c>).
/// </summary>
public sealed class OrderPlacement(
    OrderStore orders,
    OrderIdempotencyStore idempotency,
    BundleStore bundles,
    UserStore users,
    DomainStore domains,
    ISequencerCredentialStore credentials,
    IOrderWorkflows workflows,
    ISequencerClients sequencerClients,
    OrderPlanner planner,
    TimeProvider time,
    IOptions<PeekerOptions> options,
    ILogger<OrderPlacement> logger
)
{
    /// <summary>Places or replays the order.</summary>
    public async Task<PlaceOrderResult> PlaceAsync(ProviderScope scope, PlaceOrderRequest request, CancellationToken cancellationToken)
    {
        var env = scope.Environment;
        var partnerId = scope.PartnerId;

        // Every check before the first write is a read: they go out side by side (the wait of the slowest, not of a dozen
        // round trips one after another), and their verdicts are taken in the order below, so a request breaking several
        // rules gets the same answer as when they ran in turn. Availability, whose answers are cached in a table, is asked
        // only once all of them passed.
        var replay = FindReplayAsync(env, partnerId, request, cancellationToken);
        var shape = ResolvePlanAsync(env, partnerId, request, cancellationToken);
        var existingUser = ResolveUserAsync(env, partnerId, request, cancellationToken);
        var client = request.Sequencer.ClientId is { } clientId
            ? sequencerClients.CheckAsync(scope, clientId, cancellationToken)
            : Task.FromResult(SequencerClientStatus.Known);
        var facts = ReadDomainFactsAsync(scope, request, shape, cancellationToken);
        await Task.WhenAll(replay, shape, existingUser, client, facts).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);

        if (await replay is { } previous)
        {
            // The first request may have stopped between storing the order and starting it; starting is idempotent by
            // instance id (order id, and the renewal loop's id), so a replay makes sure provisioning and renewals run.
            await Task.WhenAll(
                previous.Status == OrderStatus.InProgress
                    ? workflows.StartProvisioningAsync(env, previous.Id, CancellationToken.None)
                    : Task.CompletedTask,
                OrderStatus.IsCancelling(previous.Status)
                    ? Task.CompletedTask
                    : workflows.StartRenewalsAsync(env, previous.Id, previous.ProvisioningAttempt, CancellationToken.None)
            );
            return new PlaceOrderResult(previous, true);
        }

        var (bundleId, googleLicenses, microsoftLicenses, inboxesPerDomain) = await shape;
        if (env == PeekerEnvironment.Live && microsoftLicenses > 0)
        {
            // Smartlead connects Microsoft 365 mailboxes only through its OAuth consent in a browser (SMTP AUTH is off
            // in Microsoft 365), which an unattended order cannot give: refuse before anything is stored or bought.
            throw new ApiException(
                400,
                ErrorCodes.NotSupported,
                "Live orders cannot include Microsoft licences yet: Smartlead connects Microsoft 365 mailboxes only through an interactive OAuth consent. Order Google inboxes only.",
                bundleId is null ? "microsoft_licenses" : "bundle_id",
                new Dictionary<string, object?>
                {
                    ["reason"] = "smartlead_microsoft_oauth_unsupported",
                    ["microsoft_licenses"] = microsoftLicenses,
                }
            );
        }

        var user = await existingUser;
        if (await client == SequencerClientStatus.Unknown)
        {
            throw ApiException.Invalid(
                "sequencer.client_id",
                "Smartlead has no client with this id in the account; use one of the agency's client ids."
            );
        }

        var plan = await planner.PlanAsync(
            scope,
            request.Domains,
            googleLicenses,
            microsoftLicenses,
            inboxesPerDomain,
            await facts,
            cancellationToken
        );

        // From the first write on, a client disconnect changes nothing: the commit runs to its end (or to a rollback
        // on a real failure), so an order whose provisioning started is never undone under it.
        cancellationToken = CancellationToken.None;
        var now = time.GetUtcNow();
        var orderId = Ids.New("ord", time);
        var winner = await idempotency.ReserveAsync(
            env,
            request.ApiKeyId,
            request.BodyHash,
            orderId,
            async id => await orders.GetAsync(env, partnerId, id, cancellationToken) is { } o ? o.Status != OrderStatus.Failed : null,
            cancellationToken
        );
        if (winner != orderId)
        {
            return await orders.GetAsync(env, partnerId, winner, cancellationToken) is { } concurrent
                ? new PlaceOrderResult(concurrent, true)
                : throw new ApiException(
                    409,
                    ErrorCodes.InvalidRequest,
                    "An identical order is being placed right now; retry in a few seconds."
                );
        }

        var names = plan.Domains.Select(d => d.Domain).ToList();
        var conflicts = await domains.TryClaimAsync(env, orderId, names, cancellationToken);
        if (conflicts.Count > 0)
        {
            await idempotency.ReleaseAsync(env, request.ApiKeyId, request.BodyHash, orderId, cancellationToken);
            throw ActiveOrderConflict(conflicts);
        }

        var (taken, foreign) = await TakeOwnershipAsync(scope, orderId, names, now, cancellationToken);
        if (foreign.Count > 0)
        {
            await ReleaseOwnershipAsync(scope, taken);
            await domains.ReleaseAsync(env, orderId, names, CancellationToken.None);
            await idempotency.ReleaseAsync(env, request.ApiKeyId, request.BodyHash, orderId, CancellationToken.None);
            throw InUseConflict(foreign);
        }

        try
        {
            // The user and the sequencer routing do not depend on each other; the domain rows need the user's id, and the
            // order row comes last (a replay restarts the provisioning of any stored order, which needs the rest).
            var creatingUser = user is null
                ? users.CreateAsync(
                    env,
                    partnerId,
                    new UserSpec(
                        request.UserEmail!,
                        request.UserFirstName,
                        request.UserLastName,
                        new SequencerRouting(request.Sequencer.Provider, request.Sequencer.ClientId)
                    ),
                    cancellationToken
                )
                : Task.FromResult((User: user, Created: false));
            await Task.WhenAll(creatingUser, credentials.SaveAsync(env, orderId, request.Sequencer, cancellationToken));
            user = (await creatingUser).User;
            var order = new Order(
                orderId,
                partnerId,
                user.Id,
                user.Email,
                bundleId,
                OrderStatus.InProgress,
                googleLicenses,
                microsoftLicenses,
                inboxesPerDomain,
                request.Sequencer.ClientId,
                request.ForwardingUrl,
                planner.Costs(plan, googleLicenses, microsoftLicenses),
                plan.Domains,
                request.Personas,
                options.Value.NextRenewal(now),
                now,
                null
            );
            await domains.SaveAsync(
                env,
                partnerId,
                plan.Domains.Select(d => new DomainRecord(
                        d.Id,
                        d.Domain,
                        "connected",
                        d.Status,
                        d.Provider,
                        user.Id,
                        orderId,
                        planner.UsableFor(d.Domain),
                        d.ForwardingUrl,
                        now
                    ))
                    .ToList(),
                cancellationToken
            );
            await orders.CreateAsync(env, order, cancellationToken);
            if (bundleId is not null)
            {
                await bundles.MarkUsedAsync(env, partnerId, bundleId, cancellationToken);
            }

            await Task.WhenAll(
                workflows.StartProvisioningAsync(env, orderId, cancellationToken),
                workflows.StartRenewalsAsync(env, orderId, 0, cancellationToken)
            );
            return new PlaceOrderResult(order, false);
        }
        catch (Exception ex)
        {
            logger.LogError(ex, "Placing order {OrderId} failed; rolling it back", orderId);
            await RollBackAsync(env, partnerId, orderId, request, plan.Domains);
            await ReleaseOwnershipAsync(scope, taken);
            if (ex is OperationCanceledException)
            {
                throw;
            }

            throw new ApiException(
                500,
                ErrorCodes.InternalError,
                "The order could not be placed; nothing was charged. Retry with backoff."
            );
        }
    }

    /// <summary>Best effort, each step on its own: the order is marked failed, its secrets and domain rows go, claims and the idempotency binding are released.</summary>
    private async Task RollBackAsync(
        PeekerEnvironment env,
        string partnerId,
        string orderId,
        PlaceOrderRequest request,
        IReadOnlyList<OrderDomain> planned
    )
    {
        var none = CancellationToken.None;
        var now = time.GetUtcNow();
        var steps = new Func<Task>[]
        {
            () => orders.SetStatusAsync(env, orderId, OrderStatus.Failed, none),
            () => credentials.DeleteAsync(env, orderId, none),
            () => domains.DeleteAsync(env, partnerId, planned.Where(d => d.Source == "registered").Select(d => d.Id), none),
            () =>
                domains.SaveAsync(
                    env,
                    partnerId,
                    planned
                        .Where(d => d.Source == "imported")
                        .Select(d => new DomainRecord(
                            d.Id,
                            d.Domain,
                            "inventory",
                            "available",
                            null,
                            null,
                            null,
                            planner.UsableFor(d.Domain),
                            null,
                            now
                        ))
                        .ToList(),
                    none
                ),
            () => domains.ReleaseAsync(env, orderId, planned.Select(d => d.Domain), none),
            () => idempotency.ReleaseAsync(env, request.ApiKeyId, request.BodyHash, orderId, none),
        };
        foreach (var step in steps)
        {
            try
            {
                await step();
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Rolling back order {OrderId}: a step failed", orderId);
            }
        }
    }

    /// <summary>Makes the partner the owner of every name; the names it newly took, and those another partner holds.</summary>
    private async Task<(List<string> Taken, List<string> Foreign)> TakeOwnershipAsync(
        ProviderScope scope,
        string orderId,
        IReadOnlyList<string> names,
        DateTimeOffset now,
        CancellationToken cancellationToken
    )
    {
        var (taken, foreign) = (new List<string>(), new List<string>());
        foreach (var name in names)
        {
            var outcome = await domains.TryOwnAsync(scope.Environment, name, scope.PartnerId, orderId, now, cancellationToken);
            if (outcome == DomainOwnership.Acquired)
            {
                taken.Add(name);
            }
            else if (outcome == DomainOwnership.HeldByOther)
            {
                foreign.Add(name);
            }
        }

        return (taken, foreign);
    }

    /// <summary>Lets go of the names this order took (names the partner held before, such as imported ones, stay its own).</summary>
    private async Task ReleaseOwnershipAsync(ProviderScope scope, IEnumerable<string> taken)
    {
        foreach (var name in taken)
        {
            try
            {
                await domains.ReleaseOwnershipAsync(scope.Environment, name, scope.PartnerId, CancellationToken.None);
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogError(ex, "Releasing {Domain} after a rejected or rolled-back order failed", name);
            }
        }
    }

    /// <summary>The order an identical earlier request placed, unless it failed (then the body may be placed again).</summary>
    private async Task<Order?> FindReplayAsync(
        PeekerEnvironment env,
        string partnerId,
        PlaceOrderRequest request,
        CancellationToken cancellationToken
    ) =>
        await idempotency.FindAsync(env, request.ApiKeyId, request.BodyHash, cancellationToken) is { } previousId
        && await orders.GetAsync(env, partnerId, previousId, cancellationToken) is { Status: not OrderStatus.Failed } previous
            ? previous
            : null;

    /// <summary>The planner's store reads for the submitted names, once the plan's shape (the bundle's, when named) is known.</summary>
    private async Task<OrderDomainFacts?> ReadDomainFactsAsync(
        ProviderScope scope,
        PlaceOrderRequest request,
        Task<(string? BundleId, int Google, int Microsoft, int InboxesPerDomain)> shape,
        CancellationToken cancellationToken
    )
    {
        var (_, google, microsoft, inboxesPerDomain) = await shape;
        return await planner.ReadAsync(scope, request.Domains, google, microsoft, inboxesPerDomain, cancellationToken);
    }

    private async Task<(string? BundleId, int Google, int Microsoft, int InboxesPerDomain)> ResolvePlanAsync(
        PeekerEnvironment env,
        string partnerId,
        PlaceOrderRequest request,
        CancellationToken cancellationToken
    )
    {
        if (request.BundleId is null)
        {
            return (null, request.GoogleLicenses ?? 0, request.MicrosoftLicenses ?? 0, request.GoogleInboxesPerDomain);
        }

        var bundle = await bundles.GetAsync(env, partnerId, request.BundleId, cancellationToken);
        if (bundle is null)
        {
            throw new ApiException(404, ErrorCodes.NotFound, "No bundle with that id in this account.", "bundle_id");
        }

        if (bundle.Status != "active")
        {
            throw ApiException.Invalid("bundle_id", "The bundle is archived; use an active bundle.");
        }

        return (
            bundle.Id,
            bundle.RequiredDomains.Google * bundle.GoogleInboxesPerDomain,
            bundle.RequiredDomains.Microsoft,
            bundle.GoogleInboxesPerDomain
        );
    }

    private async Task<User?> ResolveUserAsync(
        PeekerEnvironment env,
        string partnerId,
        PlaceOrderRequest request,
        CancellationToken cancellationToken
    )
    {
        if (request.UserId is not null)
        {
            var byId = await users.GetAsync(env, partnerId, request.UserId, cancellationToken);
            return byId is { Status: "active" }
                ? byId
                : throw new ApiException(404, ErrorCodes.NotFound, "No user with that id in this account.", "user");
        }

        return await users.GetByEmailAsync(env, partnerId, request.UserEmail!, cancellationToken);
    }

    /// <summary>409 <c>domain_in_use</c> naming the domains another partner holds.</summary>
    public static ApiException InUseConflict(IReadOnlyList<string> names) =>
        new(
            409,
            ErrorCodes.DomainInUse,
            $"Held by another account: {string.Join(", ", names)}.",
            "domains",
            new Dictionary<string, object?> { ["domains"] = names }
        );

    /// <summary>409 naming the domains already on an active order.</summary>
    public static ApiException ActiveOrderConflict(IReadOnlyList<string> names) =>
        new(
            409,
            ErrorCodes.DomainAlreadyInActiveOrder,
            $"Already on an active order: {string.Join(", ", names)}.",
            "domains",
            new Dictionary<string, object?> { ["domains"] = names }
        );
}
