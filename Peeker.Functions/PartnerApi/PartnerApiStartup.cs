using Microsoft.Extensions.Options;
using Peeker.Activities.ApiKeys;
using Peeker.Activities.Common;
using Peeker.Activities.Partners;
using Peeker.Activities.Providers;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// At host start: creates the Partner API tables (idempotent) and, in Development with <c>Peeker:DemoApiKey</c>
/// set, the demo partner <see cref="DemoPartnerId"/> with that sandbox key, and prints the key.
/// </summary>
public sealed class PartnerApiStartup(PeekerTables tables, PartnerStore partners, ApiKeyStore keys, IOptions<PeekerOptions> options,
    IHostEnvironment environment, ILogger<PartnerApiStartup> logger) : IHostedService
{
    /// <summary>The demo partner's fixed id.</summary>
    public const string DemoPartnerId = "org_01JDEM0PARTNER000000000000";

    /// <inheritdoc />
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        _ = options.Value.EncryptionKeyBytes();
        await tables.CreateAllAsync(cancellationToken);
        if (environment.IsDevelopment() && options.Value.DemoApiKey is { Length: > 0 } demoKey)
        {
            if (!demoKey.StartsWith("pk_test_", StringComparison.Ordinal))
            {
                throw new InvalidOperationException("Peeker:DemoApiKey must be a pk_test_ key.");
            }

            await partners.CreateAsync("Demo Partner", cancellationToken, DemoPartnerId);
            await keys.CreateAsync(DemoPartnerId, PeekerEnvironment.Test, PermissionPreset.Full, "demo", cancellationToken, demoKey);
            logger.LogInformation("Demo partner {PartnerId} ready; sandbox key: {DemoKey}", DemoPartnerId, demoKey);
        }
    }

    /// <inheritdoc />
    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
