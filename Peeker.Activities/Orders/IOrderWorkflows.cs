using Azure.Data.Tables;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Orders;

/// <summary>
/// The seam between the Partner API and the durable engine. Inputs carry ids only, never credentials: the
/// orchestrations load the order (<see cref="OrderStore"/>) and the sequencer login (<see cref="ISequencerCredentialStore"/>).
/// </summary>
public interface IOrderWorkflows
{
    /// <summary>Starts the <c>ProvisionOrder</c> orchestration with instance id = <paramref name="orderId"/> (idempotent per order).</summary>
    Task StartProvisioningAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken);

    /// <summary>Schedules the cancellation orchestration for the whole order (<paramref name="domains"/> null) or some domain ids, due at <paramref name="cancelsAt"/>.</summary>
    Task ScheduleCancellationAsync(PeekerEnvironment env, string orderId, IReadOnlyList<string>? domains, DateTimeOffset cancelsAt, CancellationToken cancellationToken);
}

/// <summary>
/// Placeholder until the engine is wired: records each request in <c>Peeker{Env}WorkflowRequests</c>
/// (PartitionKey = order id, RowKey <c>provision</c> or <c>cancel-{ulid}</c>).
/// </summary>
public sealed class RecordingOrderWorkflows(PeekerTables tables, TimeProvider time) : IOrderWorkflows
{
    /// <inheritdoc />
    public async Task StartProvisioningAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken) =>
        await tables.For(env, "WorkflowRequests").UpsertEntityAsync(
            new TableEntity(orderId, "provision") { ["Name"] = "ProvisionOrder", ["RequestedAt"] = time.GetUtcNow() }, cancellationToken: cancellationToken);

    /// <inheritdoc />
    public async Task ScheduleCancellationAsync(PeekerEnvironment env, string orderId, IReadOnlyList<string>? domains, DateTimeOffset cancelsAt, CancellationToken cancellationToken) =>
        await tables.For(env, "WorkflowRequests").AddEntityAsync(new TableEntity(orderId, "cancel-" + Ulid.NewUlid(time.GetUtcNow()))
        {
            ["Name"] = "CancelOrder",
            ["Domains"] = domains is null ? null : TableExtensions.ToJson(domains),
            ["CancelsAt"] = cancelsAt,
            ["RequestedAt"] = time.GetUtcNow(),
        }, cancellationToken);
}
