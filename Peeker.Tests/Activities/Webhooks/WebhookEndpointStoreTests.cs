using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Webhooks;

public sealed class WebhookEndpointStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "org_01JTRX00000000000000000001";
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2026, 5, 8, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task SetAsync_NewEndpoint_ReturnsSecretAndStoresItEncrypted()
    {
        var (store, options) = Create();

        var (endpoint, secret) = await store.SetAsync(
            PeekerEnvironment.Live,
            Partner,
            "https://93.184.215.14/hook",
            CancellationToken.None
        );

        Assert.StartsWith("whsec_", secret, StringComparison.Ordinal);
        Assert.Equal("https://93.184.215.14/hook", endpoint.Url);
        var raw = new TableServiceClient(azurite.ConnectionString).GetTableClient(
            options.Value.TablePrefix + PeekerTables.WebhookEndpoints
        );
        var row = (await raw.GetEntityAsync<TableEntity>(Partner, "live")).Value;
        Assert.DoesNotContain(row, pair => pair.Value is string s && s.Contains(secret[6..], StringComparison.Ordinal));
        var keys = await store.GetSigningKeysAsync(PeekerEnvironment.Live, Partner, CancellationToken.None);
        Assert.Equal([secret], keys!.Secrets);
    }

    [Fact]
    public async Task SetAsync_TestAndLive_KeepSeparateSecrets()
    {
        var (store, _) = Create();

        var live = await store.SetAsync(PeekerEnvironment.Live, Partner, "https://93.184.215.14/live", CancellationToken.None);
        var test = await store.SetAsync(PeekerEnvironment.Test, Partner, "http://127.0.0.1:9/test", CancellationToken.None);

        Assert.NotEqual(live.Secret, test.Secret);
        Assert.Equal("https://93.184.215.14/live", (await store.GetAsync(PeekerEnvironment.Live, Partner, CancellationToken.None))!.Url);
        Assert.Equal("http://127.0.0.1:9/test", (await store.GetAsync(PeekerEnvironment.Test, Partner, CancellationToken.None))!.Url);
    }

    [Fact]
    public async Task RotateAsync_WithinOverlap_SignsWithNewThenOldSecret()
    {
        var (store, _) = Create();
        var (_, old) = await store.SetAsync(PeekerEnvironment.Live, Partner, "https://93.184.215.14/hook", CancellationToken.None);

        var rotated = await store.RotateAsync(PeekerEnvironment.Live, Partner, CancellationToken.None);
        _clock.Advance(TimeSpan.FromHours(23));

        var keys = await store.GetSigningKeysAsync(PeekerEnvironment.Live, Partner, CancellationToken.None);
        Assert.Equal([rotated!.Value.Secret, old], keys!.Secrets);
    }

    [Fact]
    public async Task RotateAsync_After24Hours_OldSecretNoLongerSigns()
    {
        var (store, _) = Create();
        await store.SetAsync(PeekerEnvironment.Live, Partner, "https://93.184.215.14/hook", CancellationToken.None);
        var rotated = await store.RotateAsync(PeekerEnvironment.Live, Partner, CancellationToken.None);

        _clock.Advance(TimeSpan.FromHours(24) + TimeSpan.FromSeconds(1));

        var keys = await store.GetSigningKeysAsync(PeekerEnvironment.Live, Partner, CancellationToken.None);
        Assert.Equal([rotated!.Value.Secret], keys!.Secrets);
    }

    [Fact]
    public async Task RotateAsync_NoEndpoint_ReturnsNull()
    {
        var (store, _) = Create();

        Assert.Null(await store.RotateAsync(PeekerEnvironment.Live, "org_nobody", CancellationToken.None));
    }

    [Fact]
    public async Task DisableAsync_ThenSetAgain_ReEnables()
    {
        var (store, _) = Create();
        await store.SetAsync(PeekerEnvironment.Test, Partner, "http://127.0.0.1:9/hook", CancellationToken.None);

        await store.DisableAsync(PeekerEnvironment.Test, Partner, "http://127.0.0.1:9/hook", "410", CancellationToken.None);
        Assert.True((await store.GetAsync(PeekerEnvironment.Test, Partner, CancellationToken.None))!.Disabled);
        await store.SetAsync(PeekerEnvironment.Test, Partner, "http://127.0.0.1:9/hook", CancellationToken.None);

        Assert.False((await store.GetAsync(PeekerEnvironment.Test, Partner, CancellationToken.None))!.Disabled);
    }

    [Fact]
    public void Unprotect_CiphertextOfAnotherPartner_Fails()
    {
        var secrets = new WebhookSecrets(Options.Create(new WebhookOptions { EncryptionKey = Convert.ToBase64String(new byte[32]) }));
        var sealedSecret = secrets.Protect("whsec_abc", "webhook-secret|org_a|live");

        Assert.ThrowsAny<System.Security.Cryptography.CryptographicException>(() =>
            secrets.Unprotect(sealedSecret, "webhook-secret|org_b|live")
        );
        Assert.Equal("whsec_abc", secrets.Unprotect(sealedSecret, "webhook-secret|org_a|live"));
    }

    private (WebhookEndpointStore Store, IOptions<WebhookOptions> Options) Create()
    {
        var options = Options.Create(
            new WebhookOptions
            {
                StorageConnectionString = azurite.ConnectionString,
                EncryptionKey = Convert.ToBase64String(new byte[32]),
                TablePrefix = "t" + Guid.NewGuid().ToString("N")[..12],
            }
        );
        return (
            new WebhookEndpointStore(
                new PeekerTables(new TableServiceClient(azurite.ConnectionString)),
                options,
                new WebhookSecrets(options),
                _clock
            ),
            options
        );
    }
}
