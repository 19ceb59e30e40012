using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Microsoft;

/// <summary>
/// Entra sign-in for Partner Center and Graph: Azure.Identity's ClientSecretCredential (the live path) against the
/// simulated token endpoint over TLS (a self-signed certificate the client pins), and the sandbox path's token cache.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class MicrosoftSignInTests(SandboxServerFixture sandbox)
{
    private static MicrosoftCustomerInput Customer(string prefix) =>
        new(prefix, "Acme", "owner@customer.example", "Ada", "Lovelace", "1 Main St", "Austin", "TX", "78701", "US", "+15125550100");

    /// <summary>Live configuration pointed at the simulators' https listener, signed in as <paramref name="scope"/>'s sandbox app.</summary>
    private ServiceProvider LiveAgainstSimulator(ProviderScope scope, string? clientSecret = null) =>
        sandbox.BuildProviders(
            new Dictionary<string, string?>
            {
                ["Providers:Microsoft:Enabled"] = "true",
                ["Providers:Microsoft:AuthorityHost"] = sandbox.HttpsBaseUrl + "/",
                ["Providers:Microsoft:TenantId"] = SandboxIdentity.MicrosoftPartnerTenant,
                ["Providers:Microsoft:ClientId"] = SandboxIdentity.MicrosoftClientId(scope.PartnerId),
                ["Providers:Microsoft:ClientSecret"] =
                    clientSecret ?? SandboxIdentity.MicrosoftClientSecret(SandboxServerFixture.Secret, scope.PartnerId),
                ["Providers:Microsoft:PartnerCenterBaseUrl"] = sandbox.HttpsBaseUrl + "/sandbox/microsoft/partnercenter/v1",
                ["Providers:Microsoft:GraphBaseUrl"] = sandbox.HttpsBaseUrl + "/sandbox/microsoft/graph/v1.0",
            },
            configure: services => services.AddHttpClient(ProviderNames.Microsoft).ConfigurePrimaryHttpMessageHandler(sandbox.PinnedHandler)
        );

    [Fact]
    public async Task AzureIdentity_ClientSecretOverTls_PartnerCenterAndGraphTokensAccepted()
    {
        var partner = SandboxServerFixture.NewPartner();
        await using var providers = LiveAgainstSimulator(partner);
        var ms = providers
            .GetRequiredService<IMicrosoftClientFactory>()
            .Create(new ProviderScope(PeekerEnvironment.Live, partner.PartnerId));

        var customer = await ms.CreateCustomerAsync(Customer("idtls"), "req-idtls", default);
        var domain = await ms.AddDomainAsync(customer.TenantId, "idtls.com", default);

        Assert.Equal("idtls.com", domain.Id);
        Assert.Equal(1, await sandbox.CountAsync(partner, "microsoft.customer"));
        Assert.Equal(1, await sandbox.CountAsync(partner, "microsoft.domain"));
    }

    [Fact]
    public async Task AzureIdentity_WrongClientSecret_FailsNotRetryableWithEntraCode()
    {
        var partner = SandboxServerFixture.NewPartner();
        await using var providers = LiveAgainstSimulator(partner, clientSecret: "not-the-secret");
        var ms = providers
            .GetRequiredService<IMicrosoftClientFactory>()
            .Create(new ProviderScope(PeekerEnvironment.Live, partner.PartnerId));

        var error = await Assert.ThrowsAsync<ProviderException>(() => ms.CreateCustomerAsync(Customer("idbad"), "req-idbad", default));

        Assert.Equal(ProviderNames.Microsoft, error.Provider);
        Assert.Equal("AADSTS7000215", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(0, await sandbox.CountAsync(partner, "microsoft.customer"));
        Assert.DoesNotContain(sandbox.Logs.Lines(), line => line.Contains("not-the-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Sandbox_GraphTokenAfterExpiry_IsRefreshedAndAccepted()
    {
        var clock = sandbox.Time;
        await using var providers = sandbox.BuildProviders(time: clock);
        var scope = SandboxServerFixture.NewPartner();
        var ms = providers.GetRequiredService<IMicrosoftClientFactory>().Create(scope);
        var customer = await ms.CreateCustomerAsync(Customer("idrefresh"), "req-idrefresh", default);
        await ms.AddDomainAsync(customer.TenantId, "idrefresh.com", default);
        try
        {
            clock.Offset = TimeSpan.FromHours(2);

            var again = await ms.AddDomainAsync(customer.TenantId, "idrefresh.com", default);

            Assert.True(again.AlreadyExisted);
        }
        finally
        {
            clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Graph_BearerTheTokenEndpointDidNotIssue_Returns401()
    {
        using var http = SandboxServerFixture.RawClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, sandbox.BaseUrl + "/sandbox/microsoft/graph/v1.0/subscribedSkus");
        request.Headers.Authorization = new("Bearer", "sbx_ptn_x~00000000-0000-0000-0000-000000000000");

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }
}
