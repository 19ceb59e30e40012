using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Swaps;

/// <summary>Filters of <c>GET /swaps</c>.</summary>
public sealed record SwapFilter(string? UserId, string? OrderId, string? DomainId, string? Status);

/// <summary>
/// Swap rows in <c>Peeker{Env}Swaps</c> (PartitionKey = partner id, RowKey = <c>swp_…</c>, so a partner's rows list in
/// creation order) and the race-safe "one running swap per domain" claims in <c>Peeker{Env}SwapClaims</c>
/// (PartitionKey = partner id, RowKey = the swapped <c>dom_…</c>, holding the swap id). Shared by domain swaps and
/// user-name swaps.
/// </summary>
public sealed class SwapStore(PeekerTables tables, TimeProvider time)
{
    /// <summary>Stores a new row.</summary>
    public Task CreateAsync(PeekerEnvironment env, Swap swap, CancellationToken cancellationToken) =>
        CreateManyAsync(env, [swap], cancellationToken);

    /// <summary>Stores new rows of one partner atomically per 100 rows (one table transaction each); a user-name swap stores one row per inbox.</summary>
    public async Task CreateManyAsync(PeekerEnvironment env, IReadOnlyList<Swap> swaps, CancellationToken cancellationToken)
    {
        if (swaps.Select(s => s.PartnerId).Distinct(StringComparer.Ordinal).Count() > 1)
        {
            throw new ArgumentException("All rows must belong to one partner.", nameof(swaps));
        }

        foreach (var chunk in swaps.Chunk(100))
        {
            await Table(env)
                .SubmitTransactionAsync(
                    chunk.Select(s => new TableTransactionAction(TableTransactionActionType.Add, ToEntity(s))),
                    cancellationToken
                );
        }
    }

    /// <summary>The partner's row, or null.</summary>
    public async Task<Swap?> GetAsync(PeekerEnvironment env, string partnerId, string id, CancellationToken cancellationToken) =>
        Ids.Has(id, "swp") && await Table(env).FindAsync(partnerId, id, cancellationToken) is { } row ? Read(row) : null;

    /// <summary>The partner's rows in creation order.</summary>
    public async Task<ResultPage<Swap>> ListAsync(
        PeekerEnvironment env,
        string partnerId,
        SwapFilter f,
        PageRequest page,
        CancellationToken cancellationToken
    )
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}'";
        foreach (
            var (column, value) in new[] { ("UserId", f.UserId), ("OrderId", f.OrderId), ("DomainId", f.DomainId), ("Status", f.Status) }
        )
        {
            if (value is not null)
            {
                filter += $" and {column} eq '{TableExtensions.Escape(value)}'";
            }
        }

        var (rows, more) = await Table(env).PageAsync(filter, page.After, page.PerPage, cancellationToken);
        return new ResultPage<Swap>(rows.Select(Read).ToList(), more ? rows[^1].RowKey : null);
    }

    /// <summary>Every row of the partner of <paramref name="type"/> (all of them when null), oldest first: the premium quota and cooldown read these.</summary>
    public async Task<IReadOnlyList<Swap>> AllOfTypeAsync(
        PeekerEnvironment env,
        string partnerId,
        string? type,
        CancellationToken cancellationToken
    )
    {
        var filter = $"PartitionKey eq '{TableExtensions.Escape(partnerId)}'";
        if (type is not null)
        {
            filter += $" and Type eq '{TableExtensions.Escape(type)}'";
        }

        var rows = new List<Swap>();
        await foreach (var row in Table(env).QueryAsync<TableEntity>(filter, cancellationToken: cancellationToken))
        {
            rows.Add(Read(row));
        }

        return rows;
    }

    /// <summary>Read-modify-write of a row under its ETag (retried on a concurrent change); stamps <see cref="Swap.UpdatedAt"/>. Null when missing.</summary>
    public Task<Swap?> UpdateAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        Func<Swap, Swap> change,
        CancellationToken cancellationToken
    ) =>
        Table(env)
            .UpdateWithRetryAsync(partnerId, id, Read, s => change(s) with { UpdatedAt = time.GetUtcNow() }, ToEntity, cancellationToken);

    /// <summary>
    /// Moves a row to <paramref name="status"/> (with its <paramref name="reason"/>; cleared when null). A finished row
    /// (<c>completed</c>, <c>failed</c>) keeps its status: redelivered news never reopens it.
    /// </summary>
    public Task<Swap?> SetStatusAsync(
        PeekerEnvironment env,
        string partnerId,
        string id,
        string status,
        SwapReason? reason,
        CancellationToken cancellationToken
    ) =>
        UpdateAsync(
            env,
            partnerId,
            id,
            s =>
                SwapStatus.IsFinished(s.Status) || s.Status == status && s.Reason == reason
                    ? s
                    : s with
                    {
                        Status = status,
                        Reason = reason,
                        CompletedAt = SwapStatus.IsFinished(status) ? time.GetUtcNow() : null,
                    },
            cancellationToken
        );

    /// <summary>
    /// Moves the row to the status <paramref name="type"/> implies and publishes the <c>swap.*</c> event with the row's
    /// view as data. Idempotent: the event id derives from the swap, the type and <paramref name="occurrence"/> (for an
    /// event that can happen more than once per swap), so a retried call publishes once.
    /// </summary>
    public async Task<(string EventId, Swap Swap)> PublishEventAsync(
        IWebhookPublisher webhooks,
        SwapRef swap,
        string type,
        SwapReason? reason,
        CancellationToken cancellationToken,
        string? occurrence = null
    )
    {
        ArgumentNullException.ThrowIfNull(webhooks);
        var row =
            await SetStatusAsync(swap.Environment, swap.PartnerId, swap.SwapId, SwapEvents.StatusOf(type), reason, cancellationToken)
            ?? throw new InvalidOperationException($"Swap {swap.SwapId} does not exist.");
        var key = occurrence is null ? $"{swap.SwapId}:{type}" : $"{swap.SwapId}:{type}:{occurrence}";
        var eventId = await webhooks.PublishAsync(
            swap.Environment,
            swap.PartnerId,
            type,
            SwapView.Of(row),
            row.OrderId,
            key,
            cancellationToken
        );
        return (eventId, row);
    }

    /// <summary>Claims <paramref name="domainId"/> for <paramref name="swapId"/> (insert-if-absent); the swap already holding it when taken, else null.</summary>
    public async Task<string?> TryClaimDomainAsync(
        PeekerEnvironment env,
        string partnerId,
        string domainId,
        string swapId,
        CancellationToken cancellationToken
    )
    {
        var table = Claims(env);
        if (await table.TryAddAsync(new TableEntity(partnerId, domainId) { ["SwapId"] = swapId }, cancellationToken))
        {
            return null;
        }

        return (await table.FindAsync(partnerId, domainId, cancellationToken))?.GetString("SwapId") ?? swapId;
    }

    /// <summary>The swap holding a claim on <paramref name="domainId"/>, or null.</summary>
    public async Task<string?> ClaimOfAsync(
        PeekerEnvironment env,
        string partnerId,
        string domainId,
        CancellationToken cancellationToken
    ) => (await Claims(env).FindAsync(partnerId, domainId, cancellationToken))?.GetString("SwapId");

    /// <summary>Releases the claim on <paramref name="domainId"/> when <paramref name="swapId"/> holds it (idempotent).</summary>
    public async Task ReleaseDomainAsync(
        PeekerEnvironment env,
        string partnerId,
        string domainId,
        string swapId,
        CancellationToken cancellationToken
    )
    {
        if (await Claims(env).FindAsync(partnerId, domainId, cancellationToken) is { } row && row.GetString("SwapId") == swapId)
        {
            try
            {
                await Claims(env).DeleteEntityAsync(partnerId, domainId, row.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 404 or 412)
            {
                // Already released or taken by a newer swap: nothing of ours to remove.
            }
        }
    }

    private TableClient Table(PeekerEnvironment env) => tables.For(env, "Swaps");

    private TableClient Claims(PeekerEnvironment env) => tables.For(env, "SwapClaims");

    private static TableEntity ToEntity(Swap s) =>
        new(s.PartnerId, s.Id)
        {
            ["Type"] = s.Type,
            ["DomainId"] = s.DomainId,
            ["Domain"] = s.Domain,
            ["ReplacementDomain"] = s.ReplacementDomain,
            ["ReplacementDomainId"] = s.ReplacementDomainId,
            ["ReplacementSource"] = s.ReplacementSource,
            ["Provider"] = s.Provider,
            ["OrderId"] = s.OrderId,
            ["UserId"] = s.UserId,
            ["Inbox"] = s.Inbox,
            ["Status"] = s.Status,
            ["Reason"] = s.Reason is null ? null : TableExtensions.ToJson(s.Reason),
            ["Personas"] = s.Personas is null ? null : TableExtensions.ToJson(s.Personas),
            ["WarmUntil"] = s.WarmUntil,
            ["InboxCount"] = s.InboxCount,
            ["ReplacementPriceCents"] = s.ReplacementPriceCents,
            ["LicensesRaisedTo"] = s.LicensesRaisedTo,
            ["CreatedAt"] = s.CreatedAt,
            ["UpdatedAt"] = s.UpdatedAt,
            ["CompletedAt"] = s.CompletedAt,
        };

    private static Swap Read(TableEntity e) =>
        new(
            e.RowKey,
            e.PartitionKey,
            e.Str("Type"),
            e.Str("DomainId"),
            e.Str("Domain"),
            e.GetString("ReplacementDomain"),
            e.GetString("OrderId"),
            e.GetString("UserId"),
            e.Str("Status"),
            e.Json<SwapReason>("Reason"),
            e.Time("CreatedAt"),
            e.Time("UpdatedAt"),
            e.GetDateTimeOffset("CompletedAt")
        )
        {
            ReplacementDomainId = e.GetString("ReplacementDomainId"),
            ReplacementSource = e.GetString("ReplacementSource"),
            Provider = e.GetString("Provider"),
            Inbox = e.GetString("Inbox"),
            Personas = e.Json<List<Persona>>("Personas"),
            WarmUntil = e.GetDateTimeOffset("WarmUntil"),
            InboxCount = e.GetInt32("InboxCount") ?? 0,
            ReplacementPriceCents = e.GetInt64("ReplacementPriceCents"),
            LicensesRaisedTo = e.GetInt32("LicensesRaisedTo"),
        };
}
