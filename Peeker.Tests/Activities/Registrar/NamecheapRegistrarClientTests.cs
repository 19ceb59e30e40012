using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Providers;
using Peeker.Activities.Registrar;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Registrar;

[Collection(SandboxServerGroup.Name)]
public sealed class NamecheapRegistrarClientTests(SandboxServerFixture sandbox)
{
    private static readonly RegistrantContact Contact = new(
        "Ada",
        "Lovelace",
        "1 Main St",
        "Austin",
        "TX",
        "78701",
        "US",
        "+1.5125550100",
        "ada@example.org"
    );
    private static readonly string[] CloudflareNs = ["ada.ns.cloudflare.com", "bob.ns.cloudflare.com"];

    private IRegistrarClient Client(ProviderScope scope, IServiceProvider? providers = null) =>
        (providers ?? sandbox.Providers).GetRequiredService<IRegistrarClientFactory>().Create(scope);

    [Fact]
    public async Task CheckAvailabilityAsync_MixedNames_ReportsTakenPremiumUnsupportedAndTldPrices()
    {
        var client = Client(SandboxServerFixture.NewPartner());

        var rows = await client.CheckAvailabilityAsync(
            ["acme-mail.com", "takenbrand.com", "premiumshop.io", "acme-mail.net", "acme.invalidtld"],
            default
        );

        Assert.Equal(["acme-mail.com", "takenbrand.com", "premiumshop.io", "acme-mail.net", "acme.invalidtld"], rows.Select(r => r.Domain));
        Assert.Equal(new DomainAvailability("acme-mail.com", true, false, 10.98m, 15.98m, "USD"), rows[0]);
        Assert.False(rows[1].Available);
        Assert.True(rows[2].Premium);
        Assert.True(rows[2].FirstYearPrice >= 500m);
        Assert.Equal(12.98m, rows[3].FirstYearPrice);
        Assert.False(rows[4].Available);
    }

    [Fact]
    public async Task RegisterAsync_AvailableName_BuysOnceWithCustomNameservers()
    {
        var scope = SandboxServerFixture.NewPartner();
        var client = Client(scope);

        var result = await client.RegisterAsync(new RegisterDomainRequest("outreach-one.com", 1, CloudflareNs, Contact), default);
        var info = await client.GetDomainInfoAsync("outreach-one.com", default);

        Assert.Equal(RegistrationStatus.Purchased, result.Status);
        Assert.Equal(10.98m, result.ChargedAmount);
        Assert.NotNull(result.OrderId);
        Assert.NotNull(info);
        Assert.True(info.UsesCustomNameservers);
        Assert.Equal(CloudflareNs, info.Nameservers);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_RepeatedPurchase_BuysOnceAndAnswersAlreadyOwned()
    {
        var scope = SandboxServerFixture.NewPartner();
        var client = Client(scope);
        var request = new RegisterDomainRequest("outreach-two.com", 1, CloudflareNs, Contact);

        var first = await client.RegisterAsync(request, default);
        var second = await client.RegisterAsync(request, default);

        Assert.Equal(RegistrationStatus.Purchased, first.Status);
        Assert.Equal(RegistrationStatus.AlreadyOwned, second.Status);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_ConcurrentPurchases_BuyOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var request = new RegisterDomainRequest("outreach-race.com", 1, CloudflareNs, Contact);

        var results = await Task.WhenAll(Enumerable.Range(0, 4).Select(_ => Client(scope).RegisterAsync(request, default)));

        Assert.Single(results, r => r.Status == RegistrationStatus.Purchased);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_FlakyName_RetriesThroughTwo503sAndBuysOnce()
    {
        var scope = SandboxServerFixture.NewPartner();

        var result = await Client(scope).RegisterAsync(new RegisterDomainRequest("flaky-brand.com", 1, CloudflareNs, Contact), default);

        Assert.Equal(RegistrationStatus.Purchased, result.Status);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_CreateAnswerLostWhileRegistrarProcesses_ConfirmsPurchaseNotUnavailable()
    {
        var scope = SandboxServerFixture.NewPartner();

        var result = await Client(scope)
            .RegisterAsync(new RegisterDomainRequest("lostanswer-brand.com", 1, CloudflareNs, Contact), default);

        Assert.Equal(RegistrationStatus.Purchased, result.Status);
        Assert.NotNull(result.DomainId);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_LostAnswerStillProcessingAfterBudget_FailsRetryableUnconfirmed()
    {
        await using var providers = sandbox.BuildProviders(
            new Dictionary<string, string?> { ["Providers:Registrar:PurchaseConfirmPolls"] = "1" }
        );
        var scope = SandboxServerFixture.NewPartner();

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope, providers).RegisterAsync(new RegisterDomainRequest("lostanswer-late.com", 1, CloudflareNs, Contact), default)
        );

        Assert.Equal("purchase_unconfirmed", error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_RetryAfterUncertainCreateWhileStillProcessing_ConfirmsPurchaseNotUnavailable()
    {
        await using var providers = sandbox.BuildProviders(
            new Dictionary<string, string?> { ["Providers:Registrar:PurchaseConfirmPolls"] = "1" }
        );
        var scope = SandboxServerFixture.NewPartner();
        var request = new RegisterDomainRequest("lostanswer-retry.com", 1, CloudflareNs, Contact);
        await Assert.ThrowsAsync<ProviderException>(() => Client(scope, providers).RegisterAsync(request, default));

        var retried = await Client(scope).RegisterAsync(request with { EarlierCreateUncertain = true }, default);

        Assert.Equal(RegistrationStatus.Purchased, retried.Status);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task GetDomainInfoAsync_FlakyNameWithOneRetry_StopsAndFailsRetryable()
    {
        await using var providers = sandbox.BuildProviders(new Dictionary<string, string?> { ["Providers:Retry:MaxRetries"] = "1" });
        var client = Client(SandboxServerFixture.NewPartner(), providers);

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetDomainInfoAsync("flaky-other.com", default));

        Assert.True(error.IsRetryable);
        Assert.Equal("http_503", error.Code);
        Assert.Equal(ProviderNames.Registrar, error.Provider);
    }

    [Fact]
    public async Task RegisterAsync_TakenName_IsUnavailableAndBuysNothing()
    {
        var scope = SandboxServerFixture.NewPartner();

        var result = await Client(scope).RegisterAsync(new RegisterDomainRequest("takenname.com", 1, CloudflareNs, Contact), default);

        Assert.Equal(RegistrationStatus.Unavailable, result.Status);
        Assert.Equal(0, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }

    [Fact]
    public async Task RegisterAsync_PremiumWithoutEchoedPrice_IsUnavailable_WithPriceIsPurchased()
    {
        var scope = SandboxServerFixture.NewPartner();
        var client = Client(scope);
        var quote = (await client.CheckAvailabilityAsync(["premiumdeal.com"], default))[0];

        var refused = await client.RegisterAsync(new RegisterDomainRequest("premiumdeal.com", 1, CloudflareNs, Contact), default);
        var bought = await client.RegisterAsync(
            new RegisterDomainRequest("premiumdeal.com", 1, CloudflareNs, Contact, quote.FirstYearPrice),
            default
        );

        Assert.Equal(RegistrationStatus.Unavailable, refused.Status);
        Assert.Equal("premium_price_not_accepted", refused.Reason);
        Assert.Equal(RegistrationStatus.Purchased, bought.Status);
        Assert.Equal(quote.FirstYearPrice, bought.ChargedAmount);
    }

    [Fact]
    public async Task SetNameserversAsync_OwnedDomain_ReplacesNameservers()
    {
        var client = Client(SandboxServerFixture.NewPartner());
        await client.RegisterAsync(new RegisterDomainRequest("outreach-ns.com", 2, [], Contact), default);

        await client.SetNameserversAsync("outreach-ns.com", CloudflareNs, default);
        var info = await client.GetDomainInfoAsync("outreach-ns.com", default);

        Assert.Equal(CloudflareNs, info!.Nameservers);
    }

    [Fact]
    public async Task CheckAvailabilityAsync_SameNameTwice_AnswersBothRows()
    {
        var rows = await Client(SandboxServerFixture.NewPartner()).CheckAvailabilityAsync(["twice-name.com", "twice-name.com"], default);

        Assert.Equal(2, rows.Count);
        Assert.All(rows, r => Assert.True(r.Available));
    }

    [Fact]
    public async Task Calls_IncludingFailures_NeverLogTheApiKey()
    {
        var scope = SandboxServerFixture.NewPartner();
        var apiKey = "sbx_" + scope.PartnerId;
        var client = Client(scope);

        await client.RegisterAsync(new RegisterDomainRequest("log-check.com", 1, CloudflareNs, Contact), default);
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            client.SetNameserversAsync("log-check.com", ["only-one.example"], default)
        );

        Assert.Equal("2011168", error.Code);
        Assert.DoesNotContain(apiKey, error.ToString(), StringComparison.Ordinal);
        Assert.Contains(sandbox.Logs.Lines(), line => line.Contains("/xml.response", StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Logs.Lines(), line => line.Contains(apiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetDomainInfoAsync_NotOurs_ReturnsNull()
    {
        Assert.Null(await Client(SandboxServerFixture.NewPartner()).GetDomainInfoAsync("nobody-owns.com", default));
    }

    [Fact]
    public void Create_LiveScopeNotEnabled_FailsNotConfigured()
    {
        var error = Assert.Throws<ProviderException>(() => Client(new ProviderScope(PeekerEnvironment.Live, "ptn_x")));

        Assert.Equal("not_configured", error.Code);
        Assert.False(error.IsRetryable);
    }
}
