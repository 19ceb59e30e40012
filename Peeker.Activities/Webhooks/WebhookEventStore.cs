using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// The outbox on Azure Tables. Events: <c>{prefix}WebhookEvents</c>, PartitionKey = <c>{test|live}|{partner}</c>,
/// RowKey = event id (ULIDs, so a partition reads oldest first). Idempotency keys: same table, PartitionKey
/// <c>idem|{test|live}|{partner}</c>, RowKey = SHA-256 of the key, pointing at the event id. Attempts:
/// <c>{prefix}WebhookAttempts</c>, PartitionKey = event id, RowKey = <c>{run:D3}-{attempt:D2}</c>.
/// </summary>
public sealed class WebhookEventStore(PeekerTables tables, IOptions<WebhookOptions> options, TimeProvider time)
{
    /// <summary>The event id already reserved for <paramref name="idempotencyKey"/>, else <paramref name="candidateId"/> (now reserved).</summary>
    public async Task<string> ReserveIdAsync(
        PeekerEnvironment environment,
        string partnerId,
        string idempotencyKey,
        string candidateId,
        CancellationToken cancellationToken
    )
    {
        var table = await EventsAsync(cancellationToken);
        var partition = "idem|" + Partition(environment, partnerId);
        var row = Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(idempotencyKey)));
        try
        {
            await table.AddEntityAsync(
                new TableEntity(partition, row) { ["EventId"] = candidateId, ["CreatedAt"] = time.GetUtcNow() },
                cancellationToken
            );
            return candidateId;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            var existing = await table.GetEntityAsync<TableEntity>(partition, row, cancellationToken: cancellationToken);
            return existing.Value.GetString("EventId");
        }
    }

    /// <summary>Stores the event; false when an event with this id already exists (the stored one wins).</summary>
    public async Task<bool> TryCreateAsync(WebhookEvent webhookEvent, CancellationToken cancellationToken)
    {
        var table = await EventsAsync(cancellationToken);
        var entity = new TableEntity(Partition(webhookEvent.Environment, webhookEvent.PartnerId), webhookEvent.Id)
        {
            ["Type"] = webhookEvent.Type,
            ["OrderId"] = webhookEvent.OrderId,
            ["CreatedAt"] = webhookEvent.CreatedAt,
            ["Status"] = webhookEvent.Status,
            ["Delivered"] = webhookEvent.Delivered,
            ["AttemptCount"] = webhookEvent.AttemptCount,
            ["Run"] = webhookEvent.Run,
            ["Body"] = webhookEvent.Body,
        };
        try
        {
            await table.AddEntityAsync(entity, cancellationToken);
            return true;
        }
        catch (RequestFailedException e) when (e.Status == 409)
        {
            return false;
        }
    }

    /// <summary>The event, or null.</summary>
    public async Task<WebhookEvent?> GetAsync(
        PeekerEnvironment environment,
        string partnerId,
        string eventId,
        CancellationToken cancellationToken
    )
    {
        if (!IsEventId(eventId))
        {
            return null;
        }

        var table = await EventsAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(
            Partition(environment, partnerId),
            eventId,
            cancellationToken: cancellationToken
        );
        return response.HasValue ? ToEvent(environment, partnerId, response.Value!) : null;
    }

    /// <summary>
    /// The event with this id whatever its partner and environment, or null: for operators, who know an event id from
    /// a partner's report but not its partition. Reads by row key across partitions (a scan), so it is for the admin
    /// API, never a partner's hot path.
    /// </summary>
    public async Task<WebhookEvent?> FindAsync(string eventId, CancellationToken cancellationToken)
    {
        if (!IsEventId(eventId))
        {
            return null;
        }

        var table = await EventsAsync(cancellationToken);
        await foreach (
            var entity in table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"RowKey eq {eventId}"),
                cancellationToken: cancellationToken
            )
        )
        {
            var separator = entity.PartitionKey.IndexOf('|', StringComparison.Ordinal);
            var environment = separator < 0 ? null : entity.PartitionKey[..separator];
            if (environment is "test" or "live")
            {
                return ToEvent(
                    environment == "live" ? PeekerEnvironment.Live : PeekerEnvironment.Test,
                    entity.PartitionKey[(separator + 1)..],
                    entity
                );
            }
        }

        return null;
    }

    /// <summary>Sets the delivery state (merge; the body is never rewritten).</summary>
    public async Task UpdateStatusAsync(
        PeekerEnvironment environment,
        string partnerId,
        string eventId,
        string status,
        int? attemptCount = null,
        int? run = null,
        CancellationToken cancellationToken = default
    )
    {
        var table = await EventsAsync(cancellationToken);
        var entity = new TableEntity(Partition(environment, partnerId), eventId)
        {
            ["Status"] = status,
            ["Delivered"] = status == WebhookEventStatus.Delivered,
        };
        if (attemptCount is { } count)
        {
            entity["AttemptCount"] = count;
        }

        if (run is { } r)
        {
            entity["Run"] = r;
        }

        if (status == WebhookEventStatus.Delivered)
        {
            entity["DeliveredAt"] = time.GetUtcNow();
        }

        await table.UpdateEntityAsync(entity, ETag.All, TableUpdateMode.Merge, cancellationToken);
    }

    /// <summary>A page of a partner's events, oldest first (event ids are ULIDs), with optional filters.</summary>
    public async Task<ResultPage<WebhookEvent>> ListAsync(
        PeekerEnvironment environment,
        string partnerId,
        WebhookEventFilter filter,
        PageRequest page,
        CancellationToken cancellationToken
    )
    {
        ArgumentNullException.ThrowIfNull(filter);
        ArgumentNullException.ThrowIfNull(page);
        var table = await EventsAsync(cancellationToken);
        var query = TableClient.CreateQueryFilter($"PartitionKey eq {Partition(environment, partnerId)}");
        if (filter.Type is { } type)
        {
            query += " and " + TableClient.CreateQueryFilter($"Type eq {type}");
        }

        if (filter.OrderId is { } orderId)
        {
            query += " and " + TableClient.CreateQueryFilter($"OrderId eq {orderId}");
        }

        if (filter.Delivered is { } delivered)
        {
            query += " and " + TableClient.CreateQueryFilter($"Delivered eq {delivered}");
        }

        var (rows, more) = await table.PageAsync(query, page.After, page.PerPage, cancellationToken);
        return new ResultPage<WebhookEvent>([.. rows.Select(e => ToEvent(environment, partnerId, e))], more ? rows[^1].RowKey : null);
    }

    /// <summary>Events still waiting for an endpoint that were created at or after <paramref name="since"/>.</summary>
    public async Task<IReadOnlyList<string>> ListAwaitingEndpointAsync(
        PeekerEnvironment environment,
        string partnerId,
        DateTimeOffset since,
        CancellationToken cancellationToken
    )
    {
        var table = await EventsAsync(cancellationToken);
        var query = TableClient.CreateQueryFilter(
            $"PartitionKey eq {Partition(environment, partnerId)} and Status eq {WebhookEventStatus.AwaitingEndpoint} and CreatedAt ge {since}"
        );
        var ids = new List<string>();
        await foreach (var entity in table.QueryAsync<TableEntity>(query, select: ["RowKey"], cancellationToken: cancellationToken))
        {
            ids.Add(entity.RowKey);
        }

        return ids;
    }

    /// <summary>Records an attempt (upsert, so a re-run of the same activity invocation writes the same row).</summary>
    public async Task RecordAttemptAsync(WebhookAttempt attempt, CancellationToken cancellationToken)
    {
        var table = await AttemptsAsync(cancellationToken);
        await table.UpsertEntityAsync(
            new TableEntity(attempt.EventId, AttemptRow(attempt.Run, attempt.Number))
            {
                ["Run"] = attempt.Run,
                ["Number"] = attempt.Number,
                ["AttemptedAt"] = attempt.AttemptedAt,
                ["Url"] = attempt.Url,
                ["StatusCode"] = attempt.StatusCode,
                ["LatencyMilliseconds"] = attempt.LatencyMilliseconds,
                ["Error"] = attempt.Error,
            },
            TableUpdateMode.Replace,
            cancellationToken
        );
    }

    /// <summary>Every attempt of an event, in order.</summary>
    public async Task<IReadOnlyList<WebhookAttempt>> ListAttemptsAsync(string eventId, CancellationToken cancellationToken)
    {
        var table = await AttemptsAsync(cancellationToken);
        var attempts = new List<WebhookAttempt>();
        await foreach (
            var e in table.QueryAsync<TableEntity>(
                TableClient.CreateQueryFilter($"PartitionKey eq {eventId}"),
                cancellationToken: cancellationToken
            )
        )
        {
            attempts.Add(
                new WebhookAttempt(
                    eventId,
                    e.GetInt32("Run") ?? 1,
                    e.GetInt32("Number") ?? 0,
                    e.GetDateTimeOffset("AttemptedAt") ?? default,
                    e.GetString("Url"),
                    e.GetInt32("StatusCode"),
                    e.GetInt64("LatencyMilliseconds") ?? 0,
                    e.GetString("Error")
                )
            );
        }

        return attempts;
    }

    private static WebhookEvent ToEvent(PeekerEnvironment environment, string partnerId, TableEntity e) =>
        new(
            e.RowKey,
            environment,
            partnerId,
            e.GetString("Type"),
            e.GetString("OrderId"),
            e.GetDateTimeOffset("CreatedAt") ?? default,
            e.GetString("Status"),
            e.GetInt32("AttemptCount") ?? 0,
            e.GetDateTimeOffset("DeliveredAt"),
            e.GetInt32("Run") ?? 1,
            e.GetBinary("Body") ?? []
        );

    private static bool IsEventId(string eventId) =>
        eventId.StartsWith("evt_", StringComparison.Ordinal)
        && eventId.Length <= 64
        && eventId.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string Partition(PeekerEnvironment environment, string partnerId) =>
        $"{WebhookEndpointStore.RowKey(environment)}|{partnerId}";

    private static string AttemptRow(int run, int number) =>
        $"{run.ToString("D3", System.Globalization.CultureInfo.InvariantCulture)}-{number.ToString("D2", System.Globalization.CultureInfo.InvariantCulture)}";

    private Task<TableClient> EventsAsync(CancellationToken cancellationToken) =>
        tables.SharedCreatedAsync(options.Value.TablePrefix + PeekerTables.WebhookEvents, cancellationToken);

    private Task<TableClient> AttemptsAsync(CancellationToken cancellationToken) =>
        tables.SharedCreatedAsync(options.Value.TablePrefix + PeekerTables.WebhookAttempts, cancellationToken);
}
