using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Microsoft;

/// <summary>
/// Entra certificate sign-in: Azure.Identity's ClientCertificateCredential (the live path with
/// <c>Providers:Microsoft:CertificatePath</c>) against the simulated token endpoint over TLS, and the simulator's
/// rejection of assertions that are not the registered certificate's, expired, or for another audience.
/// </summary>
[Collection(SandboxServerGroup.Name)]
public sealed class MicrosoftCertificateSignInTests(SandboxServerFixture sandbox)
{
    private static MicrosoftCustomerInput Customer(string prefix) =>
        new(prefix, "Acme", "owner@customer.example", "Ada", "Lovelace", "1 Main St", "Austin", "TX", "78701", "US", "+15125550100");

    /// <summary>Live configuration pointed at the simulators' https listener, signed in with the certificate in <paramref name="pfxPath"/>.</summary>
    private ServiceProvider LiveWithCertificate(string pfxPath) =>
        sandbox.BuildProviders(
            new Dictionary<string, string?>
            {
                ["Providers:Microsoft:Enabled"] = "true",
                ["Providers:Microsoft:AuthorityHost"] = sandbox.HttpsBaseUrl + "/",
                ["Providers:Microsoft:TenantId"] = SandboxIdentity.MicrosoftPartnerTenant,
                ["Providers:Microsoft:ClientId"] = SandboxIdentity.MicrosoftClientId(sandbox.CertificatePartner.PartnerId),
                ["Providers:Microsoft:CertificatePath"] = pfxPath,
                ["Providers:Microsoft:PartnerCenterBaseUrl"] = sandbox.HttpsBaseUrl + "/sandbox/microsoft/partnercenter/v1",
                ["Providers:Microsoft:GraphBaseUrl"] = sandbox.HttpsBaseUrl + "/sandbox/microsoft/graph/v1.0",
            },
            configure: services => services.AddHttpClient(ProviderNames.Microsoft).ConfigurePrimaryHttpMessageHandler(sandbox.PinnedHandler)
        );

    [Fact]
    public async Task AzureIdentity_ClientCertificateOverTls_PartnerCenterAndGraphTokensAccepted()
    {
        using var pfx = new TempPfx(sandbox.ClientCertificate);
        await using var providers = LiveWithCertificate(pfx.Path);
        var ms = providers
            .GetRequiredService<IMicrosoftClientFactory>()
            .Create(new ProviderScope(PeekerEnvironment.Live, sandbox.CertificatePartner.PartnerId));
        var name = "idcert" + Guid.NewGuid().ToString("N")[..8];

        var customer = await ms.CreateCustomerAsync(Customer(name), "req-" + name, default);
        var domain = await ms.AddDomainAsync(customer.TenantId, name + ".com", default);

        Assert.Equal(name + ".com", domain.Id);
        Assert.False(domain.AlreadyExisted);
    }

    [Fact]
    public async Task AzureIdentity_CertificateNotRegisteredForTheApp_FailsNotRetryableWithEntraCode()
    {
        using var other = SandboxServerFixture.CreateClientCertificate("CN=not-the-registered-app");
        using var pfx = new TempPfx(other);
        await using var providers = LiveWithCertificate(pfx.Path);
        var ms = providers
            .GetRequiredService<IMicrosoftClientFactory>()
            .Create(new ProviderScope(PeekerEnvironment.Live, sandbox.CertificatePartner.PartnerId));

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            ms.CreateCustomerAsync(Customer("idwrongcert"), "req-idwrongcert", default)
        );

        Assert.Equal("AADSTS700027", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task TokenEndpoint_AssertionSignedByTheRegisteredCertificate_IssuesToken()
    {
        var (status, body) = await PostAssertionAsync(Assertion(sandbox.ClientCertificate, TokenEndpoint(), TimeSpan.FromMinutes(10)));

        Assert.Equal(HttpStatusCode.OK, status);
        Assert.StartsWith("sbxat.", body.GetProperty("access_token").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint_ExpiredAssertion_IsRefused()
    {
        var (status, body) = await PostAssertionAsync(Assertion(sandbox.ClientCertificate, TokenEndpoint(), TimeSpan.FromMinutes(-1)));

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("AADSTS700024:", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint_AssertionForAnotherAudience_IsRefused()
    {
        var (status, body) = await PostAssertionAsync(
            Assertion(sandbox.ClientCertificate, "https://login.microsoftonline.com/other/oauth2/v2.0/token", TimeSpan.FromMinutes(10))
        );

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("AADSTS50013:", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task TokenEndpoint_AssertionIssuedForAnotherClient_IsRefused()
    {
        var (status, body) = await PostAssertionAsync(
            Assertion(sandbox.ClientCertificate, TokenEndpoint(), TimeSpan.FromMinutes(10), issuer: "sbx_ptn_someoneelse")
        );

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.StartsWith("AADSTS700021:", body.GetProperty("error_description").GetString(), StringComparison.Ordinal);
    }

    private string ClientId => SandboxIdentity.MicrosoftClientId(sandbox.CertificatePartner.PartnerId);

    private string TokenEndpoint() => $"{sandbox.BaseUrl}/{SandboxIdentity.MicrosoftPartnerTenant}/oauth2/v2.0/token";

    private async Task<(HttpStatusCode Status, JsonElement Body)> PostAssertionAsync(string assertion)
    {
        using var http = SandboxServerFixture.RawClient();
        using var form = new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["grant_type"] = "client_credentials",
                ["client_id"] = ClientId,
                ["client_assertion_type"] = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer",
                ["client_assertion"] = assertion,
                ["scope"] = "https://api.partnercenter.microsoft.com/.default",
            }
        );
        using var response = await http.PostAsync(new Uri(TokenEndpoint()), form);
        return (response.StatusCode, JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    /// <summary>A PS256 client assertion as Azure.Identity builds one (x5t#S256 header), expiring <paramref name="expiresIn"/> from now.</summary>
    private string Assertion(X509Certificate2 certificate, string audience, TimeSpan expiresIn, string? issuer = null)
    {
        static string B64(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var now = DateTimeOffset.UtcNow;
        var header = B64(
            JsonSerializer.SerializeToUtf8Bytes(
                new Dictionary<string, string>
                {
                    ["alg"] = "PS256",
                    ["typ"] = "JWT",
                    ["x5t#S256"] = B64(SHA256.HashData(certificate.RawData)),
                }
            )
        );
        var payload = B64(
            JsonSerializer.SerializeToUtf8Bytes(
                new Dictionary<string, object>
                {
                    ["aud"] = audience,
                    ["iss"] = issuer ?? ClientId,
                    ["sub"] = issuer ?? ClientId,
                    ["jti"] = Guid.NewGuid().ToString(),
                    ["nbf"] = now.AddMinutes(-15).ToUnixTimeSeconds(),
                    ["exp"] = now.Add(expiresIn).ToUnixTimeSeconds(),
                }
            )
        );
        using var rsa = certificate.GetRSAPrivateKey()!;
        return header
            + "."
            + payload
            + "."
            + B64(rsa.SignData(Encoding.ASCII.GetBytes(header + "." + payload), HashAlgorithmName.SHA256, RSASignaturePadding.Pss));
    }

    /// <summary>The certificate with its private key in a PFX file, deleted after the test.</summary>
    private sealed class TempPfx : IDisposable
    {
        public TempPfx(X509Certificate2 certificate)
        {
            Path = System.IO.Path.Combine(System.IO.Path.GetTempPath(), $"peeker-app-{Guid.NewGuid():N}.pfx");
            File.WriteAllBytes(Path, certificate.Export(X509ContentType.Pfx));
        }

        public string Path { get; }

        public void Dispose() => File.Delete(Path);
    }
}
