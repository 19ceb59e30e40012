using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Google;
using Peeker.Activities.Providers;
using Peeker.Functions.Health;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Functions.Health;

/// <summary>
/// Readiness per live provider: the real sign-in (Google.Apis.Auth, Azure.Identity) against the simulated token
/// endpoints, degraded when refused, and reused for the configured interval.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class ProviderSignInHealthCheckTests(SandboxServerFixture sandbox)
{
    private static ProviderSignInResults Results(TimeProvider? time = null) =>
        new(time ?? TimeProvider.System, Options.Create(new HealthOptions()));

    private static IProviderSignIn SignIn(IServiceProvider providers, string provider) =>
        providers.GetServices<IProviderSignIn>().Single(p => p.Provider == provider);

    /// <summary>Live Google configuration whose service account key points at the simulated token endpoint.</summary>
    private ServiceProvider LiveGoogle(string keyJson, string partnerId)
    {
        var key = GoogleServiceAccountKey.Load(keyJson)! with { TokenUri = sandbox.BaseUrl + "/sandbox/google/token" };
        return sandbox.BuildProviders(
            new Dictionary<string, string?>
            {
                ["Providers:Google:Enabled"] = "true",
                ["Providers:Google:ServiceAccountKey"] = key.ToJson(),
                ["Providers:Google:AdminUser"] = SandboxIdentity.GoogleAdminUser(partnerId),
            },
            configure: services => services.AddHttpClient(ProviderNames.Google).ConfigurePrimaryHttpMessageHandler(sandbox.PinnedHandler)
        );
    }

    [Fact]
    public async Task CheckHealthAsync_GoogleAcceptsTheServiceAccount_IsHealthy()
    {
        await using var providers = LiveGoogle(SandboxServerFixture.GoogleKeyJson, SandboxServerFixture.NewPartner().PartnerId);
        using var results = Results();

        var result = await new ProviderSignInHealthCheck(SignIn(providers, ProviderNames.Google), results).CheckHealthAsync(
            new HealthCheckContext()
        );

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("live", result.Data["mode"]);
    }

    [Fact]
    public async Task CheckHealthAsync_GoogleRefusesTheKey_IsDegradedWithInvalidGrant()
    {
        var unknownKey = SandboxIdentity.GenerateGoogleKey(GoogleServiceAccountKey.DefaultTokenUri).ToJson();
        await using var providers = LiveGoogle(unknownKey, SandboxServerFixture.NewPartner().PartnerId);
        using var results = Results();

        var result = await new ProviderSignInHealthCheck(SignIn(providers, ProviderNames.Google), results).CheckHealthAsync(
            new HealthCheckContext()
        );

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("invalid_grant", result.Data["code"]);
        Assert.Equal(false, result.Data["retryable"]);
        Assert.DoesNotContain("PRIVATE KEY", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_MicrosoftRefusesTheSecret_IsDegradedWithTheEntraCode()
    {
        var partner = SandboxServerFixture.NewPartner();
        await using var providers = sandbox.BuildProviders(
            new Dictionary<string, string?>
            {
                ["Providers:Microsoft:Enabled"] = "true",
                ["Providers:Microsoft:AuthorityHost"] = sandbox.HttpsBaseUrl + "/",
                ["Providers:Microsoft:TenantId"] = SandboxIdentity.MicrosoftPartnerTenant,
                ["Providers:Microsoft:ClientId"] = SandboxIdentity.MicrosoftClientId(partner.PartnerId),
                ["Providers:Microsoft:ClientSecret"] = "wrong-secret-for-health",
            },
            configure: services => services.AddHttpClient(ProviderNames.Microsoft).ConfigurePrimaryHttpMessageHandler(sandbox.PinnedHandler)
        );
        using var results = Results();

        var result = await new ProviderSignInHealthCheck(SignIn(providers, ProviderNames.Microsoft), results).CheckHealthAsync(
            new HealthCheckContext()
        );

        Assert.Equal(HealthStatus.Degraded, result.Status);
        Assert.Equal("AADSTS7000215", result.Data["code"]);
        Assert.DoesNotContain("wrong-secret-for-health", result.Description, StringComparison.Ordinal);
    }

    [Fact]
    public async Task CheckHealthAsync_WithinTheInterval_SignsInOnce_ThenAgainAfterIt()
    {
        var time = new FakeTimeProvider();
        using var results = Results(time);
        var probe = new CountingSignIn(isLive: true);
        var check = new ProviderSignInHealthCheck(probe, results);

        await check.CheckHealthAsync(new HealthCheckContext());
        time.Advance(TimeSpan.FromMinutes(4));
        await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(1, probe.Calls);

        time.Advance(TimeSpan.FromMinutes(2));
        await check.CheckHealthAsync(new HealthCheckContext());
        Assert.Equal(2, probe.Calls);
    }

    [Fact]
    public async Task CheckHealthAsync_LiveCallsOff_IsHealthyWithoutSigningIn()
    {
        using var results = Results();
        var probe = new CountingSignIn(isLive: false);

        var result = await new ProviderSignInHealthCheck(probe, results).CheckHealthAsync(new HealthCheckContext());

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal("sandbox_only", result.Data["mode"]);
        Assert.Equal(0, probe.Calls);
    }

    private sealed class CountingSignIn(bool isLive) : IProviderSignIn
    {
        public int Calls { get; private set; }

        public string Provider => "fake";

        public bool IsLiveEnabled => isLive;

        public Task VerifyAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.CompletedTask;
        }
    }
}
