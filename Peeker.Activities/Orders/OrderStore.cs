using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Orders;

/// <summary>Filters of <c>GET /orders</c>.</summary>
public sealed record OrderFilter(string? UserId, string? BundleId, string? Status);

/// <summary>
/// Orders in <c>Peeker{Env}Orders</c>: PartitionKey = partner id, RowKey = <c>ord_…</c>, domains, personas and costs
/// as JSON columns; plus an index row (PartitionKey <c>id</c>, RowKey = order id) so activities can load an order by
/// id alone. Public for the provisioning activities.
/// </summary>
public sealed class OrderStore(PeekerTables tables)
{
    private const string IndexPartition = "id";

    /// <summary>Persists a new order.</summary>
    public async Task CreateAsync(PeekerEnvironment env, Order order, CancellationToken cancellationToken)
    {
        var table = tables.For(env, "Orders");
        await table.UpsertEntityAsync(
            new TableEntity(IndexPartition, order.Id) { ["PartnerId"] = order.PartnerId },
            cancellationToken: cancellationToken
        );
        await table.AddEntityAsync(ToEntity(order), cancellationToken);
    }

    /// <summary>The partner's order, or null.</summary>
    public async Task<Order?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        partnerId == IndexPartition || !Ids.Has(id, "ord") ? null
        : await tables.For(env, "Orders").FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row)
        : null;

    /// <summary>Any partner's order by id (for activities and orchestrations).</summary>
    public async Task<Order?> GetByIdAsync(PeekerEnvironment env, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "ord") && await tables.For(env, "Orders").FindAsync(IndexPartition, id, cancellationToken) is { } index
            ? await GetAsync(env, index.Str("PartnerId"), id, cancellationToken)
            : null;

    /// <summary>The partner's orders in creation order.</summary>
    public async Task<ResultPage<Order>> ListAsync(
        PeekerEnvironment env,
        string partnerId,
        OrderFilter f,
        PageRequest page,
        CancellationToken cancellationToken
    )
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}'";
        foreach (var (column, value) in new[] { ("UserId", f.UserId), ("BundleId", f.BundleId), ("Status", f.Status) })
        {
            if (value is not null)
            {
                filter += $" and {column} eq '{TableExtensions.Escape(value)}'";
            }
        }

        var (rows, more) = await tables.For(env, "Orders").PageAsync(filter, page.After, page.PerPage, cancellationToken);
        return new ResultPage<Order>(rows.Select(Read).ToList(), more ? rows[^1].RowKey : null);
    }

    /// <summary>Read-modify-write of an order under its ETag (retried on a concurrent change). Null when missing.</summary>
    public async Task<Order?> UpdateAsync(
        PeekerEnvironment env,
        string orderId,
        Func<Order, Order> change,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "Orders");
        if (!Ids.Has(orderId, "ord") || await table.FindAsync(IndexPartition, orderId, cancellationToken) is not { } index)
        {
            return null;
        }

        return await table.UpdateWithRetryAsync(index.Str("PartnerId"), orderId, Read, change, ToEntity, cancellationToken);
    }

    /// <summary>Sets the order status.</summary>
    public Task<Order?> SetStatusAsync(PeekerEnvironment env, string orderId, string status, CancellationToken cancellationToken) =>
        UpdateAsync(env, orderId, o => o with { Status = status }, cancellationToken);

    /// <summary>Sets one domain's status on the order.</summary>
    public Task<Order?> SetDomainStatusAsync(
        PeekerEnvironment env,
        string orderId,
        string domainId,
        string status,
        CancellationToken cancellationToken
    ) =>
        UpdateAsync(
            env,
            orderId,
            o => o with { Domains = o.Domains.Select(d => d.Id == domainId ? d with { Status = status } : d).ToList() },
            cancellationToken
        );

    private static TableEntity ToEntity(Order o) =>
        new(o.PartnerId, o.Id)
        {
            ["UserId"] = o.UserId,
            ["Email"] = o.Email,
            ["BundleId"] = o.BundleId,
            ["Status"] = o.Status,
            ["GoogleLicenses"] = o.GoogleLicenses,
            ["MicrosoftLicenses"] = o.MicrosoftLicenses,
            ["GoogleInboxesPerDomain"] = o.GoogleInboxesPerDomain,
            ["SequencerClientId"] = o.SequencerClientId,
            ["ForwardingUrl"] = o.ForwardingUrl,
            ["Costs"] = TableExtensions.ToJson(o.Costs),
            ["Domains"] = TableExtensions.ToJson(o.Domains),
            ["Personas"] = TableExtensions.ToJson(o.Personas),
            ["RenewsAt"] = o.RenewsAt,
            ["CreatedAt"] = o.CreatedAt,
            ["CancelsAt"] = o.CancelsAt,
            ["MicrosoftTenantId"] = o.MicrosoftTenantId,
            ["InboxPasswordKeyId"] = o.InboxPasswordKeyId,
            ["Failure"] = o.Failure is null ? null : TableExtensions.ToJson(o.Failure),
            ["ProvisioningAttempt"] = o.ProvisioningAttempt,
            ["OpenActions"] = o.OpenActions is { Count: > 0 } open ? TableExtensions.ToJson(open) : null,
            ["StatusBeforeAction"] = o.StatusBeforeAction,
        };

    private static Order Read(TableEntity e) =>
        new(
            e.RowKey,
            e.PartitionKey,
            e.Str("UserId"),
            e.Str("Email"),
            e.GetString("BundleId"),
            e.Str("Status"),
            e.GetInt32("GoogleLicenses") ?? 0,
            e.GetInt32("MicrosoftLicenses") ?? 0,
            e.GetInt32("GoogleInboxesPerDomain") ?? 2,
            e.GetInt64("SequencerClientId"),
            e.GetString("ForwardingUrl"),
            e.Json<OrderCosts>("Costs")!,
            e.Json<List<OrderDomain>>("Domains") ?? [],
            e.Json<List<Persona>>("Personas") ?? [],
            e.Time("RenewsAt"),
            e.Time("CreatedAt"),
            e.GetDateTimeOffset("CancelsAt"),
            e.GetString("MicrosoftTenantId"),
            e.GetString("InboxPasswordKeyId"),
            e.Json<OrderFailure>("Failure"),
            e.GetInt32("ProvisioningAttempt") ?? 0,
            e.Json<List<string>>("OpenActions"),
            e.GetString("StatusBeforeAction")
        );
}
