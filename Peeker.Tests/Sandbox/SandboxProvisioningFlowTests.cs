using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Registrar;
using Peeker.Activities.Smartlead;
using Peeker.Sandbox.State;

namespace Peeker.Tests.Sandbox;

/// <summary>The ProvisionDomain sequence for a Google domain, driven through every client against the simulators.</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class SandboxProvisioningFlowTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task GoogleDomain_BuyZoneDelegateVerifyInboxSequencer_EndsActiveWithEverythingOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var p = sandbox.Providers;
        var registrar = p.GetRequiredService<IRegistrarClientFactory>().Create(scope);
        var cloudflare = p.GetRequiredService<ICloudflareClientFactory>().Create(scope);
        var google = p.GetRequiredService<IGoogleWorkspaceClientFactory>().Create(scope);
        var smartlead = p.GetRequiredService<ISmartleadClientFactory>().Create(scope);
        const string Domain = "flaky-flow.com";

        var zone = await cloudflare.CreateZoneAsync(Domain, default);
        var bought = await registrar.RegisterAsync(
            new RegisterDomainRequest(
                Domain,
                1,
                zone.NameServers,
                new RegistrantContact("Ada", "Lovelace", "1 Main St", "Austin", "TX", "78701", "US", "+1.5125550100", "ada@example.org")
            ),
            default
        );
        var customer = await google.CreateCustomerAsync(
            new GoogleCustomerInput(Domain, "owner@customer.example", "Ada", "Acme", "1 Main St", "Austin", "TX", "78701", "US"),
            default
        );
        await google.CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "FLEXIBLE", 2, default);
        var token = await google.GetVerificationTokenAsync(Domain, default);
        await cloudflare.BatchDnsRecordsAsync(
            zone.Id,
            [],
            [
                new DnsRecordInput("MX", "@", "smtp.google.com", 3600, 1),
                new DnsRecordInput("TXT", "@", "v=spf1 include:_spf.google.com ~all", 3600),
                new DnsRecordInput("TXT", "_dmarc", "v=DMARC1; p=none", 3600),
                new DnsRecordInput("TXT", "@", token, 3600),
                new DnsRecordInput("A", "@", "192.0.2.1", Proxied: true),
            ],
            default
        );
        var verified = await google.VerifyDomainAsync(Domain, default);
        await google.CreateUserAsync(new GoogleUserInput("ada@" + Domain, "Ada", "Lovelace", "S3cret-pass!"), default);
        await smartlead.SaveEmailAccountAsync(
            SmartleadEmailAccount.ForGoogle("Ada Lovelace", "ada@" + Domain, "app-password-1234", new SmartleadWarmup()),
            default
        );
        await cloudflare.SetForwardingAsync(zone.Id, Domain, "https://brand.example/", 301, default);
        var active = await cloudflare.GetZoneAsync(zone.Id, default);

        Assert.Equal(RegistrationStatus.Purchased, bought.Status);
        Assert.True(verified);
        Assert.Equal("active", active!.Status);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
        Assert.Equal(5, await sandbox.CountAsync(scope, SandboxKinds.CloudflareRecord));
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.GoogleUser));
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.SmartleadAccount));
    }
}
