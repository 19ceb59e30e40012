using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Common;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Activities.Registrar;
using Peeker.Activities.Smartlead;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Providers;

/// <summary>AddPeekerProviders: every factory is registered and misconfiguration is refused with the key's name.</summary>
public sealed class ProvidersRegistrationTests
{
    private static ServiceProvider Build(Dictionary<string, string?> settings) =>
        new ServiceCollection()
            .AddLogging()
            .AddPeekerProviders(new ConfigurationBuilder().AddInMemoryCollection(settings).Build())
            .BuildServiceProvider();

    [Fact]
    public void AddPeekerProviders_Defaults_ResolvesEveryFactory()
    {
        using var services = Build([]);

        Assert.NotNull(services.GetRequiredService<IRegistrarClientFactory>());
        Assert.NotNull(services.GetRequiredService<ICloudflareClientFactory>());
        Assert.NotNull(services.GetRequiredService<IGoogleWorkspaceClientFactory>());
        Assert.NotNull(services.GetRequiredService<IMicrosoftClientFactory>());
        Assert.NotNull(services.GetRequiredService<ISmartleadClientFactory>());
        Assert.Equal(
            "http://127.0.0.1:7071/sandbox",
            services.GetRequiredService<IOptions<SandboxProviderOptions>>().Value.EffectiveBaseUrl
        );
    }

    [Fact]
    public void AddPeekerProviders_LiveRegistrarWithoutApiKey_FailsNamingTheKey()
    {
        using var services = Build(
            new()
            {
                ["Providers:Registrar:Enabled"] = "true",
                ["Providers:Registrar:ApiUser"] = "peeker",
                ["Providers:Registrar:ClientIp"] = "203.0.113.7",
            }
        );

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<RegistrarOptions>>().Value);

        Assert.Contains("Providers:Registrar:ApiKey", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPeekerProviders_LiveCloudflareWithoutToken_FailsNamingTheKey()
    {
        using var services = Build(new() { ["Providers:Cloudflare:Enabled"] = "true", ["Providers:Cloudflare:AccountId"] = "abc" });

        var error = Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<CloudflareOptions>>().Value);

        Assert.Contains("Providers:Cloudflare:ApiToken", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void AddPeekerProviders_SandboxBaseUrlNotAUrl_FailsValidation()
    {
        using var services = Build(new() { ["Providers:Sandbox:BaseUrl"] = "not a url" });

        Assert.Throws<OptionsValidationException>(() => services.GetRequiredService<IOptions<SandboxProviderOptions>>().Value);
    }

    [Fact]
    public async Task Create_LiveScopeConfigured_CallsTheLiveBaseUrlWithTheLiveToken()
    {
        // The "live" Cloudflare is a loopback receiver here; the sandbox would be 127.0.0.1:7071 with a sbx_ token.
        await using var live = await WebhookReceiver.StartAsync(
            (_, http) =>
            {
                http.Response.ContentType = "application/json";
                return http.Response.WriteAsync(
                    """{"success":true,"errors":[],"messages":[],"result":{"id":"z1","name":"live.example","status":"active","name_servers":[]}}"""
                );
            }
        );
        using var services = Build(
            new()
            {
                ["Providers:Cloudflare:Enabled"] = "true",
                ["Providers:Cloudflare:ApiToken"] = "live-token",
                ["Providers:Cloudflare:AccountId"] = "a",
                ["Providers:Cloudflare:BaseUrl"] = live.Url,
            }
        );

        var zone = await services
            .GetRequiredService<ICloudflareClientFactory>()
            .Create(new ProviderScope(PeekerEnvironment.Live, "ptn_live"))
            .GetZoneAsync("z1", default);

        var request = Assert.Single(live.Requests);
        Assert.Equal("Bearer live-token", request.Headers["Authorization"]);
        Assert.Equal("/hooks/zones/z1", request.Path);
        Assert.Equal("live.example", zone!.Name);
    }
}
