using Azure.Data.Tables;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Orders;

/// <summary>Filters of <c>GET /orders/pending</c>.</summary>
public sealed record PendingActionFilter(string? OrderId, string? UserId, string? DomainId, string Status);

/// <summary>Pending actions in <c>Peeker{Env}PendingActions</c>: PartitionKey = partner id, RowKey = <c>act_…</c>.</summary>
public sealed class PendingActionStore(PeekerTables tables)
{
    /// <summary>Adds an action (provisioning activities call this).</summary>
    public async Task AddAsync(PeekerEnvironment env, string partnerId, PendingAction action, CancellationToken cancellationToken) =>
        await tables.For(env, "PendingActions").UpsertEntityAsync(new TableEntity(partnerId, action.Id)
        {
            ["OrderId"] = action.OrderId,
            ["UserId"] = action.UserId,
            ["Type"] = action.Type,
            ["Reason"] = action.Reason,
            ["Status"] = action.Status,
            ["DomainId"] = action.DomainId,
            ["Domain"] = action.Domain,
            ["User"] = action.User is null ? null : TableExtensions.ToJson(action.User),
            ["Message"] = action.Message,
            ["CreatedAt"] = action.CreatedAt,
        }, TableUpdateMode.Replace, cancellationToken);

    /// <summary>The partner's actions in creation order.</summary>
    public async Task<ResultPage<PendingAction>> ListAsync(PeekerEnvironment env, string partnerId, PendingActionFilter f, PageRequest page, CancellationToken cancellationToken)
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}' and Status eq '{TableExtensions.Escape(f.Status)}'";
        foreach (var (column, value) in new[] { ("OrderId", f.OrderId), ("UserId", f.UserId), ("DomainId", f.DomainId) })
        {
            if (value is not null)
            {
                filter += $" and {column} eq '{TableExtensions.Escape(value)}'";
            }
        }

        var (rows, more) = await tables.For(env, "PendingActions").PageAsync(filter, page.After, page.PerPage, cancellationToken);
        return new ResultPage<PendingAction>(rows.Select(e => new PendingAction(
            e.RowKey, e.Str("OrderId"), e.GetString("UserId"), e.Str("Type"), e.Str("Reason"), e.Str("Status"), e.GetString("DomainId"),
            e.GetString("Domain"), e.Json<Persona>("User"), e.Str("Message"), e.Time("CreatedAt"))).ToList(), more ? rows[^1].RowKey : null);
    }
}
