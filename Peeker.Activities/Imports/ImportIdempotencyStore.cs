using System.Security.Cryptography;
using System.Text;
using Azure;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.Imports;

/// <summary>
/// "Retrying with the same normalised domain set returns the existing import" (spec 2.7): rows in
/// <c>Peeker{Env}ImportIdempotency</c>, PartitionKey = partner id, RowKey = SHA-256 of the set (names normalised,
/// distinct, sorted), column <c>ImportId</c>. Both import routes share it. Reservation is insert-if-absent; a row older
/// than <see cref="Window"/>, or whose import failed or was never stored, is taken over under its ETag.
/// </summary>
public sealed class ImportIdempotencyStore(PeekerTables tables, TimeProvider time)
{
    /// <summary>How long a domain set maps to its import.</summary>
    public static readonly TimeSpan Window = TimeSpan.FromHours(24);

    /// <summary>How long a binding whose import is not stored yet counts as an identical request still in flight.</summary>
    public static readonly TimeSpan InFlight = TimeSpan.FromMinutes(2);

    /// <summary>The key of a normalised set of names: order and duplicates do not matter.</summary>
    public static string KeyOf(IEnumerable<string> normalizedNames) =>
        Convert.ToHexStringLower(
            SHA256.HashData(
                Encoding.UTF8.GetBytes(string.Join('\n', normalizedNames.Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)))
            )
        );

    /// <summary>
    /// Binds <paramref name="setKey"/> to <paramref name="importId"/>; returns the import id that won (ours, or the one
    /// an earlier or concurrent request bound). <paramref name="isReusable"/> says whether a bound import still answers
    /// replays (null: the import is not stored).
    /// </summary>
    public async Task<string> ReserveAsync(
        PeekerEnvironment env,
        string partnerId,
        string setKey,
        string importId,
        Func<string, Task<bool?>> isReusable,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "ImportIdempotency");
        var entity = new TableEntity(partnerId, setKey) { ["ImportId"] = importId, ["CreatedAt"] = time.GetUtcNow() };
        while (true)
        {
            if (await table.TryAddAsync(entity, cancellationToken))
            {
                return importId;
            }

            if (await table.FindAsync(partnerId, setKey, cancellationToken) is not { } existing)
            {
                continue;
            }

            var age = time.GetUtcNow() - existing.Time("CreatedAt");
            if (age < Window && (await isReusable(existing.Str("ImportId")) ?? age < InFlight))
            {
                return existing.Str("ImportId");
            }

            try
            {
                await table.UpdateEntityAsync(entity, existing.ETag, TableUpdateMode.Replace, cancellationToken);
                return importId;
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Another request got there first: look again.
            }
        }
    }

    /// <summary>Unbinds the set if it is still bound to <paramref name="importId"/> (the import could not be stored).</summary>
    public async Task ReleaseAsync(
        PeekerEnvironment env,
        string partnerId,
        string setKey,
        string importId,
        CancellationToken cancellationToken
    )
    {
        var table = tables.For(env, "ImportIdempotency");
        if (await table.FindAsync(partnerId, setKey, cancellationToken) is { } row && row.Str("ImportId") == importId)
        {
            try
            {
                await table.DeleteEntityAsync(partnerId, setKey, row.ETag, cancellationToken);
            }
            catch (RequestFailedException ex) when (ex.Status is 412 or 404)
            {
                // Someone else owns it now.
            }
        }
    }
}
