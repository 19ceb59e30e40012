using System.Security.Cryptography;
using System.Text;
using Azure.Data.Tables;
using Peeker.Activities.Common;

namespace Peeker.Activities.ApiKeys;

/// <summary>What a key may do (spec: <c>full</c>, <c>limited</c>, <c>read</c>).</summary>
public enum PermissionPreset
{
    /// <summary>Reads and writes everything.</summary>
    Full,

    /// <summary>Reads everything; writes only domain availability.</summary>
    Limited,

    /// <summary>Reads only.</summary>
    Read,
}

/// <summary>A stored key (never the key itself: only its SHA-256).</summary>
public sealed record ApiKey(
    string Id,
    string PartnerId,
    PeekerEnvironment Environment,
    PermissionPreset Preset,
    string Label,
    bool Revoked,
    DateTimeOffset CreatedAt
);

/// <summary>
/// API keys in the shared <c>PeekerApiKeys</c> table: one row per key under PartitionKey <c>hash</c> (RowKey = SHA-256
/// hex of the key) and one index row under <c>id</c> (RowKey = <c>key_…</c>) pointing at the hash, for revocation.
/// </summary>
public sealed class ApiKeyStore(PeekerTables tables, TimeProvider time)
{
    private TableClient Table => tables.Shared("PeekerApiKeys");

    /// <summary>Creates a key and returns it with its plain text, which is shown once and never stored.</summary>
    public async Task<(ApiKey Key, string Secret)> CreateAsync(
        string partnerId,
        PeekerEnvironment environment,
        PermissionPreset preset,
        string label,
        CancellationToken cancellationToken,
        string? fixedSecret = null
    )
    {
        var secret =
            fixedSecret
            ?? $"{Prefix(environment)}{RandomNumberGenerator.GetString("ABCDEFGHJKMNPQRSTVWXYZabcdefghijkmnopqrstuvwxyz0123456789", 32)}";
        var key = new ApiKey(Ids.New("key", time), partnerId, environment, preset, label, false, time.GetUtcNow());
        var hash = Hash(secret);
        var added = await Table.TryAddAsync(
            new TableEntity("hash", hash)
            {
                ["KeyId"] = key.Id,
                ["PartnerId"] = partnerId,
                ["Environment"] = environment.ToString(),
                ["Preset"] = preset.ToString(),
                ["Label"] = label,
                ["Revoked"] = false,
                ["CreatedAt"] = key.CreatedAt,
            },
            cancellationToken
        );
        if (!added)
        {
            // Only a fixed (demo) secret can collide: it already exists, so hand back the stored key.
            return ((await FindAsync(secret, cancellationToken))!, secret);
        }

        await Table.AddEntityAsync(new TableEntity("id", key.Id) { ["Hash"] = hash, ["PartnerId"] = partnerId }, cancellationToken);
        return (key, secret);
    }

    /// <summary>The key whose plain text is <paramref name="secret"/>, or null (revoked keys are returned with <c>Revoked</c>).</summary>
    public async Task<ApiKey?> FindAsync(string secret, CancellationToken cancellationToken)
    {
        var row = await Table.FindAsync("hash", Hash(secret), cancellationToken);
        return row is null
            ? null
            : new ApiKey(
                row.Str("KeyId"),
                row.Str("PartnerId"),
                Enum.Parse<PeekerEnvironment>(row.Str("Environment")),
                Enum.Parse<PermissionPreset>(row.Str("Preset")),
                row.Str("Label"),
                row.GetBoolean("Revoked") == true,
                row.Time("CreatedAt")
            );
    }

    /// <summary>Revokes a key by id; false when no such key exists.</summary>
    public async Task<bool> RevokeAsync(string keyId, CancellationToken cancellationToken)
    {
        var index = Ids.Has(keyId, "key") ? await Table.FindAsync("id", keyId, cancellationToken) : null;
        if (index is null)
        {
            return false;
        }

        await Table.UpdateEntityAsync(
            new TableEntity("hash", index.Str("Hash")) { ["Revoked"] = true },
            Azure.ETag.All,
            TableUpdateMode.Merge,
            cancellationToken
        );
        return true;
    }

    /// <summary>The public prefix of keys for <paramref name="environment"/>.</summary>
    public static string Prefix(PeekerEnvironment environment) => environment == PeekerEnvironment.Live ? "pk_live_" : "pk_test_";

    private static string Hash(string secret) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));
}
