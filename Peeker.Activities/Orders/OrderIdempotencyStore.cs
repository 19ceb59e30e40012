using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Orders;

/// <summary>
/// "Same body from the same key within 24 h returns the first order": rows in <c>Peeker{Env}OrderIdempotency</c>,
/// PartitionKey = API key id, RowKey = SHA-256 of the canonical body, column <c>OrderId</c>. Reservation is
/// insert-if-absent; an expired row or one whose order failed is taken over under its ETag.
/// </summary>
public sealed class OrderIdempotencyStore(PeekerTables tables, TimeProvider time)
{
    /// <summary>How long a body maps to its order.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>The order id a body is still bound to, or null.</summary>
    public async Task<string?> FindAsync(PeekerEnvironment env, string keyId, string bodyHash, CancellationToken cancellationToken)
    {
        var row = await tables.For(env, "OrderIdempotency").FindAsync(keyId, bodyHash, cancellationToken);
        return row is not null && time.GetUtcNow() - row.Time("CreatedAt") < Window ? row.Str("OrderId") : null;
    }

    /// <summary>How long a binding whose order is not stored yet counts as an identical request still in flight.</summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Binds the body to <paramref name="orderId"/>; returns the order id that won (ours, or a concurrent request's).
    /// <paramref name="isReusable"/> says whether a bound order still answers replays (null: the order is not stored).
    /// </summary>
    public async Task<string> ReserveAsync(
        PeekerEnvironment env,
        string keyId,
        string bodyHash,
        string orderId,
        Func<string, Task<bool?>> isReusable,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "OrderIdempotency");
        var entity = new TableEntity(keyId, bodyHash) { ["OrderId"] = orderId, ["CreatedAt"] = time.GetUtcNow() };
        while (true)
        {
            if (await table.TryAddAsync(entity, cancellationToken))
            {
                return orderId;
            }

            if (await table.FindAsync(keyId, bodyHash, cancellationToken) is not { } existing)
            {
                continue;
            }

            var age = time.GetUtcNow() - existing.Time("CreatedAt");
            if (age < Window && (await isReusable(existing.Str("OrderId")) ?? age < InFlight))
            {
                return existing.Str("OrderId");
            }

            try
            {
                await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return orderId;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Another request got there first: look again.
            }
        }
    }

    /// <summary>Unbinds the body if it is still bound to <paramref name="orderId"/> (the order was rejected or broke).</summary>
    public async Task ReleaseAsync(
        PeekerEnvironment env,
        string keyId,
        string bodyHash,
        string orderId,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "OrderIdempotency");
        if (await table.FindAsync(keyId, bodyHash, cancellationToken) is { } row && row.Str("OrderId") == orderId)
        {
            try
            {
                await table.DeleteEntityAsync(keyId, bodyHash, row.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Someone else owns it now.
            }
        }
    }
}
