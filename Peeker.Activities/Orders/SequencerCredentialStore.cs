using System.Security.Cryptography;
using System.Text.Json;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Activities.Orders;

/// <summary>Smartlead login given on an order. Never returned, logged, or put into orchestration inputs or history.</summary>
public sealed record SequencerCredentials(string Provider, long? ClientId, string LoginEmail, string LoginPassword)
{
    /// <summary>Keeps the password out of accidental ToString calls (logs, exceptions).</summary>
    public override string ToString() => $"SequencerCredentials {{ Provider = {Provider}, ClientId = {ClientId} }}";
}

/// <summary>
/// Sequencer routing by order id, encrypted at rest. The customer's Smartlead login (required on the order by the spec)
/// is not kept: nothing uses it (inboxes are connected with our Smartlead API key under the order's client id), so
/// <see cref="SaveAsync"/> drops it and <see cref="GetAsync"/> answers it empty. The row is deleted when the order ends.
/// </summary>
public interface ISequencerCredentialStore
{
    /// <summary>Stores (or replaces) the sequencer routing of an order; the login email and password are dropped, never stored.</summary>
    Task SaveAsync(PeekerEnvironment env, string orderId, SequencerCredentials credentials, CancellationToken cancellationToken);

    /// <summary>The decrypted credentials, or null.</summary>
    Task<SequencerCredentials?> GetAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken);

    /// <summary>Forgets the credentials of an order (rolled back or finished with).</summary>
    Task DeleteAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken);
}

/// <summary>
/// AES-256-GCM (key <c>Peeker:EncryptionKey</c>, the order id as associated data) in
/// <c>Peeker{Env}SequencerCredentials</c>: PartitionKey = order id, RowKey <c>sequencer</c>, one column
/// <c>Sealed</c> = base64(nonce | tag | ciphertext).
/// </summary>
public sealed class SequencerCredentialStore(PeekerTables tables, IOptions<PeekerOptions> options) : ISequencerCredentialStore
{
    /// <inheritdoc />
    public async Task SaveAsync(
        PeekerEnvironment env,
        string orderId,
        SequencerCredentials credentials,
        CancellationToken cancellationToken
    )
    {
        var plain = JsonSerializer.SerializeToUtf8Bytes(credentials with { LoginEmail = "", LoginPassword = "" }, StoreJson.Options);
        var sealedText = SealedBox.Seal(options.Value.EncryptionKeyBytes(), plain, orderId);
        CryptographicOperations.ZeroMemory(plain);
        await tables
            .For(env, "SequencerCredentials")
            .UpsertEntityAsync(
                new TableEntity(orderId, "sequencer") { ["Sealed"] = sealedText },
                TableUpdateMode.Replace,
                cancellationToken
            );
    }

    /// <inheritdoc />
    public async Task DeleteAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken) =>
        await tables.For(env, "SequencerCredentials").DeleteEntityAsync(orderId, "sequencer", Azure.ETag.All, cancellationToken);

    /// <inheritdoc />
    public async Task<SequencerCredentials?> GetAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken)
    {
        if (await tables.For(env, "SequencerCredentials").FindAsync(orderId, "sequencer", cancellationToken) is not { } row)
        {
            return null;
        }

        var plain = SealedBox.Open(options.Value.EncryptionKeyBytes(), row.Str("Sealed"), orderId);
        return JsonSerializer.Deserialize<SequencerCredentials>(plain, StoreJson.Options);
    }
}
