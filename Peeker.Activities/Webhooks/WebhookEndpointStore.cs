using Azure;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>A partner's endpoint in one environment, as shown to admins and partners (never with its secret).</summary>
public sealed record WebhookEndpoint(
    string PartnerId,
    PeekerEnvironment Environment,
    string Url,
    bool Disabled,
    string? DisabledReason,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? PreviousSecretExpiresAt
);

/// <summary>The secrets that sign a delivery right now: the current one, then the one being retired (if within 24 h).</summary>
public sealed record WebhookSigningKeys(WebhookEndpoint Endpoint, IReadOnlyList<string> Secrets);

/// <summary>
/// Endpoints on Azure Tables (<c>{prefix}WebhookEndpoints</c>, PartitionKey = partner id, RowKey = <c>test</c> |
/// <c>live</c>), secrets encrypted with <see cref="WebhookSecrets"/>. One endpoint per partner per environment.
/// </summary>
public sealed class WebhookEndpointStore(PeekerTables tables, IOptions<WebhookOptions> options, WebhookSecrets secrets, TimeProvider time)
{
    /// <summary>How long a rotated-out secret keeps signing alongside the new one.</summary>
    public static readonly TimeSpan RotationOverlap = TimeSpan.FromHours(24);

    /// <summary>Saves the URL with a fresh secret (shown once, returned here), re-enabling a disabled endpoint.</summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)> SetAsync(
        PeekerEnvironment environment,
        string partnerId,
        string url,
        CancellationToken cancellationToken
    )
    {
        var table = await EndpointsAsync(cancellationToken);
        var secret = WebhookSecrets.NewSecret();
        var now = time.GetUtcNow();
        var entity = new TableEntity(partnerId, RowKey(environment))
        {
            ["Url"] = url,
            ["Secret"] = secrets.Protect(secret, Context(environment, partnerId)),
            ["Disabled"] = false,
            ["UpdatedAt"] = now,
        };
        await table.UpsertEntityAsync(entity, TableUpdateMode.Replace, cancellationToken);
        return (ToEndpoint(entity), secret);
    }

    /// <summary>The endpoint, or null when none is configured.</summary>
    public async Task<WebhookEndpoint?> GetAsync(PeekerEnvironment environment, string partnerId, CancellationToken cancellationToken)
    {
        var entity = await FindAsync(environment, partnerId, cancellationToken);
        return entity is null ? null : ToEndpoint(entity);
    }

    /// <summary>
    /// Issues a new secret; the old one keeps signing for <see cref="RotationOverlap"/>. Returns null when no
    /// endpoint is configured. Rotating twice within the overlap retires the older of the two at once.
    /// </summary>
    public async Task<(WebhookEndpoint Endpoint, string Secret)?> RotateAsync(
        PeekerEnvironment environment,
        string partnerId,
        CancellationToken cancellationToken
    )
    {
        var table = await EndpointsAsync(cancellationToken);
        var entity = await FindAsync(environment, partnerId, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        var secret = WebhookSecrets.NewSecret();
        var now = time.GetUtcNow();
        entity["PreviousSecret"] = entity.GetString("Secret");
        entity["PreviousSecretExpiresAt"] = now + RotationOverlap;
        entity["Secret"] = secrets.Protect(secret, Context(environment, partnerId));
        entity["UpdatedAt"] = now;
        await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        return (ToEndpoint(entity), secret);
    }

    /// <summary>The endpoint with the secrets that sign now, or null when none is configured.</summary>
    public async Task<WebhookSigningKeys?> GetSigningKeysAsync(
        PeekerEnvironment environment,
        string partnerId,
        CancellationToken cancellationToken
    )
    {
        var entity = await FindAsync(environment, partnerId, cancellationToken);
        if (entity is null)
        {
            return null;
        }

        var context = Context(environment, partnerId);
        var keys = new List<string> { secrets.Unprotect(entity.GetString("Secret"), context) };
        if (entity.GetString("PreviousSecret") is { } previous && entity.GetDateTimeOffset("PreviousSecretExpiresAt") > time.GetUtcNow())
        {
            keys.Add(secrets.Unprotect(previous, context));
        }

        return new WebhookSigningKeys(ToEndpoint(entity), keys);
    }

    /// <summary>Disables the endpoint (the receiver answered 410 Gone) if it still has <paramref name="url"/>.</summary>
    public async Task DisableAsync(
        PeekerEnvironment environment,
        string partnerId,
        string url,
        string reason,
        CancellationToken cancellationToken
    )
    {
        var table = await EndpointsAsync(cancellationToken);
        var entity = await FindAsync(environment, partnerId, cancellationToken);
        if (entity is null || entity.GetString("Url") != url)
        {
            return; // Replaced meanwhile: the new URL is not the one that said Gone.
        }

        entity["Disabled"] = true;
        entity["DisabledReason"] = reason;
        entity["UpdatedAt"] = time.GetUtcNow();
        try
        {
            await table.UpdateEntityAsync(entity, entity.ETag, TableUpdateMode.Replace, cancellationToken);
        }
        catch (RequestFailedException e) when (e.Status == 412)
        {
            // Saved or rotated concurrently: the newer configuration wins.
        }
    }

    private async Task<TableEntity?> FindAsync(PeekerEnvironment environment, string partnerId, CancellationToken cancellationToken)
    {
        var table = await EndpointsAsync(cancellationToken);
        var response = await table.GetEntityIfExistsAsync<TableEntity>(
            partnerId,
            RowKey(environment),
            cancellationToken: cancellationToken
        );
        return response.HasValue ? response.Value : null;
    }

    private static WebhookEndpoint ToEndpoint(TableEntity entity) =>
        new(
            entity.PartitionKey,
            entity.RowKey == "live" ? PeekerEnvironment.Live : PeekerEnvironment.Test,
            entity.GetString("Url"),
            entity.GetBoolean("Disabled") ?? false,
            entity.GetString("DisabledReason"),
            entity.GetDateTimeOffset("UpdatedAt") ?? DateTimeOffset.MinValue,
            entity.GetDateTimeOffset("PreviousSecretExpiresAt")
        );

    internal static string RowKey(PeekerEnvironment environment) => environment == PeekerEnvironment.Live ? "live" : "test";

    private static string Context(PeekerEnvironment environment, string partnerId) => $"webhook-secret|{partnerId}|{RowKey(environment)}";

    private Task<TableClient> EndpointsAsync(CancellationToken cancellationToken) =>
        tables.SharedCreatedAsync(options.Value.TablePrefix + PeekerTables.WebhookEndpoints, cancellationToken);
}
