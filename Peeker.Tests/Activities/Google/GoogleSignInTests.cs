using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Google;
using Peeker.Activities.Providers;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Google;

/// <summary>
/// Google.Apis.Auth's service-account sign-in (JWT-bearer grant, domain-wide delegation) against the simulated token
/// endpoint, whose API then accepts only the tokens it issued.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class GoogleSignInTests(SandboxServerFixture sandbox)
{
    private static GoogleCustomerInput Customer(string domain) =>
        new(domain, "owner@customer.example", "Ada Lovelace", "Acme", "1 Main St", "Austin", "TX", "78701", "US");

    [Fact]
    public async Task CreateCustomerAsync_ServiceAccountKey_TokenIssuedAndAccepted()
    {
        var scope = SandboxServerFixture.NewPartner();
        var google = sandbox.Providers.GetRequiredService<IGoogleWorkspaceClientFactory>().Create(scope);

        var customer = await google.CreateCustomerAsync(Customer("g-signin.com"), default);

        Assert.False(string.IsNullOrEmpty(customer.CustomerId));
        Assert.Equal(1, await sandbox.CountAsync(scope, "google.customer"));
    }

    [Fact]
    public async Task CreateCustomerAsync_KeyTheSimulatorDoesNotKnow_FailsNotRetryableWithInvalidGrant()
    {
        var otherKey = SandboxIdentity.GenerateGoogleKey(GoogleServiceAccountKey.DefaultTokenUri).ToJson();
        await using var providers = sandbox.BuildProviders(
            new Dictionary<string, string?> { ["Providers:Sandbox:GoogleServiceAccountKey"] = otherKey }
        );
        var scope = SandboxServerFixture.NewPartner();
        var google = providers.GetRequiredService<IGoogleWorkspaceClientFactory>().Create(scope);

        var error = await Assert.ThrowsAsync<ProviderException>(() => google.CreateCustomerAsync(Customer("g-badkey.com"), default));

        Assert.Equal(ProviderNames.Google, error.Provider);
        Assert.Equal("invalid_grant", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(0, await sandbox.CountAsync(scope, "google.customer"));
        Assert.DoesNotContain(sandbox.Logs.Lines(), line => line.Contains("PRIVATE KEY", StringComparison.Ordinal));
    }

    [Fact]
    public async Task CreateCustomerAsync_AfterTokenExpiry_LibraryRefreshesAndCallSucceeds()
    {
        var clock = sandbox.Time;
        await using var providers = sandbox.BuildProviders(time: clock);
        var scope = SandboxServerFixture.NewPartner();
        var google = providers.GetRequiredService<IGoogleWorkspaceClientFactory>().Create(scope);
        await google.CreateCustomerAsync(Customer("g-refresh-1.com"), default);
        try
        {
            // Both the simulator and the credential's clock move past the first token's hour.
            clock.Offset = TimeSpan.FromHours(2);

            var second = await google.CreateCustomerAsync(Customer("g-refresh-2.com"), default);

            Assert.False(second.AlreadyExisted);
        }
        finally
        {
            clock.Offset = TimeSpan.Zero;
        }
    }

    [Fact]
    public async Task Simulator_BearerItDidNotIssue_Returns401()
    {
        using var http = SandboxServerFixture.RawClient();
        using var request = new HttpRequestMessage(HttpMethod.Get, sandbox.BaseUrl + "/sandbox/google/apps/reseller/v1/customers/any.com");
        request.Headers.Authorization = new("Bearer", "sbx_" + SandboxServerFixture.NewPartner().PartnerId);

        using var response = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task TokenEndpoint_UnsignedAssertion_Returns400InvalidGrant()
    {
        using var http = SandboxServerFixture.RawClient();
        using var form = new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "urn:ietf:params:oauth:grant-type:jwt-bearer",
                ["assertion"] = "eyJhbGciOiJub25lIn0.eyJpc3MiOiJ4In0.",
            }
        );

        using var response = await http.PostAsync(new Uri(sandbox.BaseUrl + "/sandbox/google/token"), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("invalid_grant", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
    }
}
