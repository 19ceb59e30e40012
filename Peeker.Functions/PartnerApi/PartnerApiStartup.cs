using Microsoft.Extensions.Options;
using Peeker.Activities.ApiKeys;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Partners;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// At host start, in the background (so a host without storage still starts and serves <c>/health</c>): creates the
/// Partner API tables (idempotent, retried until storage answers) and, in Development with <c>Peeker:DemoApiKey</c>
/// set, the demo partner <see cref="DemoPartnerId"/> with that sandbox key, and prints the key; then, once per
/// environment, indexes by name the domain rows written before the name index existed
/// (<see cref="DomainStore.IndexNamesAsync"/>; lookups scan until it is done). Partner and admin requests wait for
/// <see cref="Ready"/>, not for the index.
/// </summary>
public sealed class PartnerApiStartup(
    PeekerTables tables,
    PartnerStore partners,
    ApiKeyStore keys,
    DomainStore domains,
    IOptions<PeekerOptions> options,
    IHostEnvironment environment,
    ILogger<PartnerApiStartup> logger
) : BackgroundService
{
    /// <summary>The demo partner's fixed id.</summary>
    public const string DemoPartnerId = "org_01JDEM0PARTNER000000000000";

    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes once the tables exist (and the demo partner, when configured).</summary>
    public Task Ready => _ready.Task;

    /// <summary>Waits for <see cref="Ready"/>; 500 <c>internal_error</c> when storage is still not reachable after 30 s.</summary>
    public async Task WaitReadyAsync(CancellationToken cancellationToken)
    {
        try
        {
            await Ready.WaitAsync(TimeSpan.FromSeconds(30), cancellationToken);
        }
        catch (TimeoutException)
        {
            throw new ApiException(500, ErrorCodes.InternalError, "Storage is not reachable yet; retry shortly.");
        }
    }

    /// <inheritdoc />
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        _ = options.Value.EncryptionKeyBytes();
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await tables.CreateAllAsync(stoppingToken);
                await SeedDemoPartnerAsync(stoppingToken);
                _ready.TrySetResult();
                foreach (var env in Enum.GetValues<PeekerEnvironment>())
                {
                    if (await domains.IndexNamesAsync(env, stoppingToken) is > 0 and var indexed)
                    {
                        logger.LogInformation("Indexed {Count} {Environment} domain rows by name", indexed, env);
                    }
                }

                return;
            }
            catch (Exception ex) when (ex is not OperationCanceledException)
            {
                logger.LogWarning("Partner API storage setup failed ({Message}); retrying in 5 s", ex.Message);
                await Task.Delay(TimeSpan.FromSeconds(5), stoppingToken);
            }
        }
    }

    private async Task SeedDemoPartnerAsync(CancellationToken cancellationToken)
    {
        if (!environment.IsDevelopment() || options.Value.DemoApiKey is not { Length: > 0 } demoKey)
        {
            return;
        }

        if (!demoKey.StartsWith("pk_test_", StringComparison.Ordinal))
        {
            throw new InvalidOperationException("Peeker:DemoApiKey must be a pk_test_ key.");
        }

        await partners.CreateAsync("Demo Partner", cancellationToken, DemoPartnerId);
        await keys.CreateAsync(DemoPartnerId, PeekerEnvironment.Test, PermissionPreset.Full, "demo", cancellationToken, demoKey);
        logger.LogInformation("Demo partner {PartnerId} ready; sandbox key: {DemoKey}", DemoPartnerId, demoKey);
    }
}
