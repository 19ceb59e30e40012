using System.Diagnostics;
using System.Security.Cryptography;
using System.Text;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Forwarding;
using Peeker.Activities.Imports;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;
using Peeker.Functions.Orchestrations;

namespace Peeker.Functions.Hosting;

/// <summary>
/// Starts the order orchestrations for the Partner API. Starting is idempotent: the instance id is the order id
/// (or derived from the cancellation request), and a start of an id that exists in any state is treated as already
/// done (a retried request never restarts a finished order).
/// </summary>
public sealed class DurableOrderWorkflows(DurableTaskClient client, IOptions<SwapOptions> swapOptions) : IOrderWorkflows
{
    /// <inheritdoc />
    public Task StartSwapAsync(PeekerEnvironment env, string partnerId, string swapId, CancellationToken cancellationToken) =>
        StartOnceAsync(
            nameof(SwapOrchestrator),
            new SwapInput(new SwapRef(swapId, env, partnerId), swapOptions.Value.ReplacementWait),
            swapId,
            cancellationToken
        );

    /// <inheritdoc />
    public Task StartProvisioningAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken) =>
        StartOnceAsync(nameof(ProvisionOrderOrchestrator), new ProvisionOrderInput(orderId, env), orderId, cancellationToken);

    /// <inheritdoc />
    public Task StartProvisioningRetryAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken) =>
        StartOnceAsync(
            nameof(ProvisionOrderOrchestrator),
            new ProvisionOrderInput(orderId, env, attempt),
            ProvisioningInstances.Order(orderId, attempt),
            cancellationToken
        );

    /// <inheritdoc />
    public Task ScheduleCancellationAsync(
        PeekerEnvironment env,
        string orderId,
        IReadOnlyList<string>? domains,
        DateTimeOffset cancelsAt,
        CancellationToken cancellationToken
    )
    {
        var scope = domains is null
            ? "all"
            : Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(string.Join(',', domains.Order(StringComparer.Ordinal)))))[..16];
        return StartOnceAsync(
            nameof(CancelOrderOrchestrator),
            new CancelOrderInput(orderId, env, domains, cancelsAt.UtcDateTime) { RemovesSequencerAccounts = true },
            $"{orderId}:cancel:{scope}",
            cancellationToken
        );
    }

    /// <inheritdoc />
    public Task StartPendingActionCheckAsync(
        PeekerEnvironment env,
        string partnerId,
        string actionId,
        CancellationToken cancellationToken
    ) =>
        StartOwnTraceAsync(
            nameof(PendingActionCheckOrchestrator),
            new PendingActionCheckInput(env, partnerId, actionId),
            PendingActionCheckOrchestrator.InstanceId(actionId),
            cancellationToken
        );

    /// <inheritdoc />
    public async Task NotifyPendingActionFixAsync(
        PeekerEnvironment env,
        string partnerId,
        string actionId,
        CancellationToken cancellationToken
    )
    {
        var instanceId = PendingActionCheckOrchestrator.InstanceId(actionId);
        if (await client.GetInstanceAsync(instanceId, false, cancellationToken) is { IsRunning: true })
        {
            await client.RaiseEventAsync(instanceId, PendingActionCheckOrchestrator.FixSuppliedEvent, true, cancellationToken);
            return;
        }

        // No loop is watching (it never started, or it ended): a fresh one checks at once.
        await client.ScheduleNewOrchestrationInstanceAsync(
            nameof(PendingActionCheckOrchestrator),
            new PendingActionCheckInput(env, partnerId, actionId),
            new StartOrchestrationOptions(instanceId),
            cancellationToken
        );
    }

    /// <inheritdoc />
    public Task StartRenewalsAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken) =>
        StartOwnTraceAsync(
            nameof(RenewOrderOrchestrator),
            new RenewOrderLoopInput(orderId, env),
            RenewOrderOrchestrator.InstanceId(orderId, attempt),
            cancellationToken
        );

    /// <inheritdoc />
    public Task StartNameserverWatchAsync(
        PeekerEnvironment env,
        string partnerId,
        string orderId,
        string domainId,
        CancellationToken cancellationToken
    ) =>
        StartOwnTraceAsync(
            nameof(NameserverWatchOrchestrator),
            new NameserverWatchInput(new OrderRef(orderId, env, partnerId), domainId),
            NameserverWatchOrchestrator.InstanceId(orderId, domainId),
            cancellationToken
        );

    /// <inheritdoc />
    public Task StartImportAsync(PeekerEnvironment env, string partnerId, string importId, CancellationToken cancellationToken) =>
        StartOnceAsync(nameof(ImportDomainsOrchestrator), new ImportRef(importId, env, partnerId), importId, cancellationToken);

    /// <inheritdoc />
    public Task StartForwardingJobAsync(PeekerEnvironment env, string partnerId, string jobId, CancellationToken cancellationToken) =>
        StartOnceAsync(nameof(ForwardingJobOrchestrator), new ForwardingJobRef(jobId, env, partnerId), jobId, cancellationToken);

    private static readonly IReadOnlyList<string> AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    // Loops that live for weeks (renewals, pending-action re-checks, nameserver watches) start a trace of their own: under the caller's
    // request their spans would hang off an orchestration span that stays open until the loop ends.
    private async Task StartOwnTraceAsync(string name, object input, string instanceId, CancellationToken cancellationToken)
    {
        Activity.Current = null;
        await StartOnceAsync(name, input, instanceId, cancellationToken);
    }

    private async Task StartOnceAsync(string name, object input, string instanceId, CancellationToken cancellationToken)
    {
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                name,
                input,
                new StartOrchestrationOptions(instanceId) { DedupeStatuses = AnyStatus },
                cancellationToken
            );
        }
        catch (DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException)
        {
            // A retried request: the orchestration already runs.
        }
    }
}
