using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Orders;

/// <summary>Filters of <c>GET /orders/pending</c>.</summary>
public sealed record PendingActionFilter(string? OrderId, string? UserId, string? DomainId, string Status);

/// <summary>Pending-action row statuses.</summary>
public static class PendingActionStatus
{
    /// <summary>Waiting for the partner's fix or for Peeker's next re-check.</summary>
    public const string Open = "open";

    /// <summary>The blocked step went through.</summary>
    public const string Resolved = "resolved";
}

/// <summary>
/// Pending actions in <c>Peeker{Env}PendingActions</c>: PartitionKey = partner id, RowKey = <c>act_…</c>. Besides the
/// partner-facing row, each row keeps the mailbox (<c>Email</c>) whose step is blocked, so the step can be retried.
/// </summary>
public sealed class PendingActionStore(PeekerTables tables)
{
    /// <summary>Adds an action (provisioning activities call this); an existing row with the same id is left as it is.</summary>
    public async Task<PendingAction> AddAsync(
        PeekerEnvironment env,
        string partnerId,
        PendingAction action,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "PendingActions");
        // Insert-if-absent: a re-run of the step that opened the action must not reopen a resolved one or undo the partner's fix.
        if (await table.TryAddAsync(ToEntity(partnerId, action), cancellationToken))
        {
            return action;
        }

        return await GetAsync(env, partnerId, action.Id, cancellationToken) ?? action;
    }

    /// <summary>The partner's action, or null.</summary>
    public async Task<PendingAction?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        id.StartsWith("act_", StringComparison.Ordinal)
        && await tables.For(env, "PendingActions").FindAsync(partnerId, id, cancellationToken) is { } row
            ? Read(row)
            : null;

    /// <summary>Read-modify-write of one action under its ETag. Null when missing.</summary>
    public Task<PendingAction?> UpdateAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        Func<PendingAction, PendingAction> change,
        CancellationToken cancellationToken
    ) =>
        tables.For(env, "PendingActions").UpdateWithRetryAsync(partnerId, id, Read, change, a => ToEntity(partnerId, a), cancellationToken);

    /// <summary>The partner's actions in creation order.</summary>
    public async Task<ResultPage<PendingAction>> ListAsync(
        PeekerEnvironment env,
        string partnerId,
        PendingActionFilter f,
        PageRequest page,
        CancellationToken cancellationToken
    )
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
        return new ResultPage<PendingAction>(rows.Select(Read).ToList(), more ? rows[^1].RowKey : null);
    }

    private static TableEntity ToEntity(string partnerId, PendingAction action) =>
        new(partnerId, action.Id)
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
            ["ResolvedAt"] = action.ResolvedAt,
            ["Email"] = action.Email,
        };

    private static PendingAction Read(TableEntity e) =>
        new(
            e.RowKey,
            e.Str("OrderId"),
            e.GetString("UserId"),
            e.Str("Type"),
            e.Str("Reason"),
            e.Str("Status"),
            e.GetString("DomainId"),
            e.GetString("Domain"),
            e.Json<Persona>("User"),
            e.Str("Message"),
            e.Time("CreatedAt"),
            e.GetDateTimeOffset("ResolvedAt"),
            e.GetString("Email")
        );
}
