using Peeker.Activities.Common;

namespace Peeker.Activities.Orders;

/// <summary>
/// The seam between the Partner API and the durable engine. Inputs carry ids only, never credentials: the
/// orchestrations load the order (<see cref="OrderStore"/>) and the sequencer login (<see cref="ISequencerCredentialStore"/>).
/// </summary>
public interface IOrderWorkflows
{
    /// <summary>Starts the <c>ProvisionOrder</c> orchestration with instance id = <paramref name="orderId"/> (idempotent per order).</summary>
    Task StartProvisioningAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken);

    /// <summary>
    /// Starts provisioning attempt <paramref name="attempt"/> (≥ 1) of a failed order under its own instance id
    /// (<see cref="Provisioning.ProvisioningInstances.Order"/>); idempotent per attempt.
    /// </summary>
    Task StartProvisioningRetryAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken);

    /// <summary>Schedules the cancellation orchestration for the whole order (<paramref name="domains"/> null) or some domain ids, due at <paramref name="cancelsAt"/>.</summary>
    Task ScheduleCancellationAsync(
        PeekerEnvironment env,
        string orderId,
        IReadOnlyList<string>? domains,
        DateTimeOffset cancelsAt,
        CancellationToken cancellationToken
    );

    /// <summary>Starts the re-check loop of pending action <paramref name="actionId"/> (idempotent: one loop per action).</summary>
    Task StartPendingActionCheckAsync(PeekerEnvironment env, string partnerId, string actionId, CancellationToken cancellationToken);

    /// <summary>Tells the action's re-check loop that the partner supplied a fix, so the blocked step is retried now (starts the loop if it never ran).</summary>
    Task NotifyPendingActionFixAsync(PeekerEnvironment env, string partnerId, string actionId, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the order's renewal loop (idempotent per order and provisioning <paramref name="attempt"/>: a retried
    /// failed order gets a new loop, the first one having stopped when the order failed).
    /// </summary>
    Task StartRenewalsAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken);

    /// <summary>
    /// Starts the nameserver watch of the order's imported domain <paramref name="domainId"/> (idempotent: one watch per
    /// order and domain). Hosts without an engine have nothing to watch with, hence the no-op default.
    /// </summary>
    Task StartNameserverWatchAsync(
        PeekerEnvironment env,
        string partnerId,
        string orderId,
        string domainId,
        CancellationToken cancellationToken
    ) => Task.CompletedTask;

    /// <summary>Starts the domain import <paramref name="importId"/> (idempotent).</summary>
    Task StartImportAsync(PeekerEnvironment env, string partnerId, string importId, CancellationToken cancellationToken);

    /// <summary>Starts the forwarding job <paramref name="jobId"/> (idempotent: starting it twice runs it once).</summary>
    Task StartForwardingJobAsync(PeekerEnvironment env, string partnerId, string jobId, CancellationToken cancellationToken);

    /// <summary>Starts the domain swap <paramref name="swapId"/> (instance id = swap id; idempotent).</summary>
    Task StartSwapAsync(PeekerEnvironment env, string partnerId, string swapId, CancellationToken cancellationToken);
}
