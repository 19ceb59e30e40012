using System.Net;
using System.Net.Http.Headers;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Microsoft;

/// <summary>
/// Partner Center's app+user flow: MSAL's confidential client redeeming the admin's consented refresh token
/// (<c>Providers:Microsoft:PartnerCenter:RefreshToken</c>) against the simulated Entra endpoint over TLS, Partner Center
/// accepting the app+user token where the sandbox requires one and refusing an app-only token there, and the simulated
/// refresh-token grant rotating the refresh token.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class PartnerCenterAppUserTests(SandboxServerFixture sandbox)
{
    private const string BadRefreshToken = "sbxrt_not-the-consented-refresh-token";

    private static MicrosoftCustomerInput Customer(string prefix) =>
        new(prefix, "Acme", "owner@customer.example", "Ada", "Lovelace", "1 Main St", "Austin", "TX", "78701", "US", "+15125550100");

    private string PartnerId => sandbox.AppUserPartner.PartnerId;

    private ServiceProvider Live(string? refreshToken) =>
        sandbox.BuildProviders(
            new Dictionary<string, string?>
            {
                ["Providers:Microsoft:Enabled"] = "true",
                ["Providers:Microsoft:AuthorityHost"] = sandbox.HttpsBaseUrl + "/",
                ["Providers:Microsoft:TenantId"] = SandboxIdentity.MicrosoftPartnerTenant,
                ["Providers:Microsoft:ClientId"] = SandboxIdentity.MicrosoftClientId(PartnerId),
                ["Providers:Microsoft:ClientSecret"] = SandboxIdentity.MicrosoftClientSecret(SandboxServerFixture.Secret, PartnerId),
                ["Providers:Microsoft:PartnerCenter:RefreshToken"] = refreshToken,
                ["Providers:Microsoft:PartnerCenterBaseUrl"] = sandbox.HttpsBaseUrl + "/sandbox/microsoft/partnercenter/v1",
                ["Providers:Microsoft:GraphBaseUrl"] = sandbox.HttpsBaseUrl + "/sandbox/microsoft/graph/v1.0",
            },
            configure: services => services.AddHttpClient(ProviderNames.Microsoft).ConfigurePrimaryHttpMessageHandler(sandbox.PinnedHandler)
        );

    private IMicrosoftClient Client(ServiceProvider providers) =>
        providers.GetRequiredService<IMicrosoftClientFactory>().Create(new ProviderScope(PeekerEnvironment.Live, PartnerId));

    [Fact]
    public async Task Msal_ConsentedRefreshToken_PartnerCenterAcceptsAppUserTokenAndGraphStaysAppOnly()
    {
        await using var providers = Live(SandboxIdentity.MicrosoftPartnerCenterRefreshToken(SandboxServerFixture.Secret, PartnerId));
        var ms = Client(providers);
        var name = "pcuser" + Guid.NewGuid().ToString("N")[..8];

        var customer = await ms.CreateCustomerAsync(Customer(name), "req-" + name, default);
        var domain = await ms.AddDomainAsync(customer.TenantId, name + ".com", default);

        Assert.Equal(name + ".com", domain.Id);
    }

    [Fact]
    public async Task AppOnly_WherePartnerCenterRequiresAppUser_IsRefused()
    {
        await using var providers = Live(refreshToken: null);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(providers).CreateCustomerAsync(Customer("pcapponly"), "req-pcapponly", default)
        );

        Assert.Equal(401, error.StatusCode);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task Msal_RefreshTokenNotConsented_FailsNotRetryableWithEntraCodeAndIsNeverLogged()
    {
        await using var providers = Live(BadRefreshToken);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(providers).CreateCustomerAsync(Customer("pcbadrt"), "req-pcbadrt", default)
        );

        Assert.Equal("AADSTS9002313", error.Code);
        Assert.False(error.IsRetryable);
        Assert.DoesNotContain(sandbox.Logs.Lines(), line => line.Contains(BadRefreshToken, StringComparison.Ordinal));
        Assert.DoesNotContain(BadRefreshToken, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint_RefreshTokenGrant_RotatesTheRefreshTokenAndTheNewOneWorks()
    {
        var consented = SandboxIdentity.MicrosoftPartnerCenterRefreshToken(SandboxServerFixture.Secret, PartnerId);

        var first = await RedeemAsync(consented);
        var second = await RedeemAsync(first.GetProperty("refresh_token").GetString()!);

        Assert.NotEqual(consented, first.GetProperty("refresh_token").GetString());
        Assert.NotEqual(first.GetProperty("refresh_token").GetString(), second.GetProperty("refresh_token").GetString());
        using var http = SandboxServerFixture.RawClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, sandbox.BaseUrl + "/sandbox/microsoft/partnercenter/v1/customers");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", second.GetProperty("access_token").GetString());
        using var customers = await http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, customers.StatusCode);
    }

    private async Task<JsonElement> RedeemAsync(string refreshToken)
    {
        using var http = SandboxServerFixture.RawClient();
        using var form = new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "refresh_token",
                ["client_id"] = SandboxIdentity.MicrosoftClientId(PartnerId),
                ["client_secret"] = SandboxIdentity.MicrosoftClientSecret(SandboxServerFixture.Secret, PartnerId),
                ["refresh_token"] = refreshToken,
                ["scope"] = "https://api.partnercenter.microsoft.com/user_impersonation offline_access",
            }
        );
        using var response = await http.PostAsync(
            new Uri($"{sandbox.BaseUrl}/{SandboxIdentity.MicrosoftPartnerTenant}/oauth2/v2.0/token"),
            form
        );
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.Clone();
    }
}
