using Microsoft.Extensions.DependencyInjection;
using Moq;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Smartlead;
using Peeker.Activities.Swaps;
using Peeker.Sandbox.State;
using Peeker.Tests.Activities.Provisioning;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Swaps;

/// <summary><see cref="RenameInbox"/> and <see cref="UpdateSequencerInbox"/> against the simulators over HTTP, with the order on Azurite.</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class RenameInboxTests(SandboxServerFixture sandbox)
{
    private T Service<T>()
        where T : notnull => sandbox.Providers.GetRequiredService<T>();

    [Fact]
    public async Task RunAsync_MicrosoftRetryAfterLostAnswer_SucceedsAgainAndRecordsTheNewAddressOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        const string Domain = "rn-ms.com";
        var tenant = await ReadyMicrosoftAsync(scope, Domain);
        await Service<IMicrosoftClientFactory>()
            .Create(scope)
            .CreateUserAsync(
                tenant,
                new MicrosoftUserInput("ada@" + Domain, "Ada Lovelace", "Ada", "Lovelace", "S3cret-pass!", "US"),
                default
            );
        var (orders, order) = await OrderAsync(scope, Domain, "microsoft", "ada@" + Domain);
        var input = new RenameInboxInput(
            new SwapRef("swp_ms", scope.Environment, scope.PartnerId),
            order.Id,
            Domain,
            MailProvider.Microsoft,
            tenant,
            new PlannedRename("swp_ms", "ada@" + Domain, "sam.lee", "Sam", "Lee", null)
        );

        var first = await Activity(orders).RunAsync(new TestActivityContext(nameof(RenameInbox), "i"), input);
        var retry = await Activity(orders).RunAsync(new TestActivityContext(nameof(RenameInbox), "i"), input);

        Assert.False(first.AlreadyRenamed);
        Assert.True(retry.AlreadyRenamed);
        Assert.Equal("sam.lee@" + Domain, retry.NewEmail);
        var user = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.MicrosoftUser));
        Assert.Equal("sam.lee@" + Domain, user.GetProperty("userPrincipalName").GetString());
        Assert.Equal(["sam.lee@" + Domain], (await orders.GetByIdAsync(scope.Environment, order.Id, default))!.Domains.Single().Inboxes);
    }

    [Fact]
    public async Task RunAsync_GooglePictureRejected_RenamesAndReportsThePicture()
    {
        var scope = SandboxServerFixture.NewPartner();
        const string Domain = "rn-google.com";
        await ReadyGoogleAsync(scope, Domain);
        await Service<IGoogleWorkspaceClientFactory>()
            .Create(scope)
            .CreateUserAsync(new GoogleUserInput("ada@" + Domain, "Ada", "Lovelace", "S3cret-pass!"), default);
        var (orders, order) = await OrderAsync(scope, Domain, "google", "ada@" + Domain);
        // "badpic" in the new address makes the Google simulator reject the photo.
        var input = new RenameInboxInput(
            new SwapRef("swp_g", scope.Environment, scope.PartnerId),
            order.Id,
            Domain,
            MailProvider.Google,
            null,
            new PlannedRename("swp_g", "ada@" + Domain, "badpic", "Bad", "Pic", "https://cdn.example/p.png")
        );

        var result = await Activity(orders).RunAsync(new TestActivityContext(nameof(RenameInbox), "i"), input);

        Assert.Equal(CreateInbox.PictureNotAccessible, result.PictureProblem);
        var user = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.GoogleUser));
        Assert.Equal("badpic@" + Domain, user.GetProperty("primaryEmail").GetString());
        Assert.Contains("ada@" + Domain, user.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
    }

    [Fact]
    public async Task UpdateSequencerInbox_RepeatedAfterLostAnswer_MovesTheOneAccountToTheNewAddress()
    {
        var scope = SandboxServerFixture.NewPartner();
        var smartlead = Service<ISmartleadClientFactory>();
        var saved = await smartlead
            .Create(scope)
            .SaveEmailAccountAsync(
                SmartleadEmailAccount.ForGoogle("Ada Lovelace", "ada@rn-sl.com", "app-password-1234", new SmartleadWarmup()),
                default
            );
        var input = new UpdateSequencerInboxInput(
            new SwapRef("swp_s", scope.Environment, scope.PartnerId),
            "ada@rn-sl.com",
            "sam@rn-sl.com",
            "Sam Lee"
        );

        var first = await new UpdateSequencerInbox(smartlead).RunAsync(new TestActivityContext(nameof(UpdateSequencerInbox), "i"), input);
        var retry = await new UpdateSequencerInbox(smartlead).RunAsync(new TestActivityContext(nameof(UpdateSequencerInbox), "i"), input);

        Assert.Equal(saved.Id, first.AccountId);
        Assert.Equal(saved.Id, retry.AccountId);
        var account = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.SmartleadAccount));
        Assert.Equal("sam@rn-sl.com", account.GetProperty("fromEmail").GetString());
        Assert.Equal("Sam Lee", account.GetProperty("fromName").GetString());
    }

    private RenameInbox Activity(OrderStore orders) =>
        new(Service<IGoogleWorkspaceClientFactory>(), Service<IMicrosoftClientFactory>(), orders, Mock.Of<IHttpClientFactory>());

    private async Task<(OrderStore, Order)> OrderAsync(ProviderScope scope, string domain, string provider, string inbox)
    {
        var orders = new OrderStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        var order = await TestOrders.CreateAsync(orders, scope.PartnerId, domain);
        var updated = await orders.UpdateAsync(
            scope.Environment,
            order.Id,
            o => o with { Domains = [.. o.Domains.Select(d => d with { Provider = provider, Status = "connected", Inboxes = [inbox] })] },
            default
        );
        return (orders, updated!);
    }

    private async Task ReadyGoogleAsync(ProviderScope scope, string domain)
    {
        var google = Service<IGoogleWorkspaceClientFactory>().Create(scope);
        var cloudflare = Service<ICloudflareClientFactory>().Create(scope);
        var customer = await google.CreateCustomerAsync(
            new GoogleCustomerInput(domain, "owner@customer.example", "Ada Lovelace", "Acme", "1 Main St", "Austin", "TX", "78701", "US"),
            default
        );
        await google.CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "FLEXIBLE", 2, default);
        var token = await google.GetVerificationTokenAsync(domain, default);
        var zone = await cloudflare.CreateZoneAsync(domain, default);
        await cloudflare.CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", token), default);
        Assert.True(await google.VerifyDomainAsync(domain, default));
    }

    private async Task<string> ReadyMicrosoftAsync(ProviderScope scope, string domain)
    {
        var ms = Service<IMicrosoftClientFactory>().Create(scope);
        var cloudflare = Service<ICloudflareClientFactory>().Create(scope);
        var customer = await ms.CreateCustomerAsync(
            new MicrosoftCustomerInput(
                domain.Split('.')[0].Replace("-", "", StringComparison.Ordinal),
                "Acme",
                "owner@customer.example",
                "Ada",
                "Lovelace",
                "1 Main St",
                "Austin",
                "TX",
                "78701",
                "US",
                "+15125550100"
            ),
            "req-" + domain,
            default
        );
        await ms.PurchaseLicensesAsync(customer.CustomerId, "CFQ7TTC0LH18:0001", 1, "buy-" + domain, default);
        await ms.AddDomainAsync(customer.TenantId, domain, default);
        var txt = (await ms.GetVerificationRecordsAsync(customer.TenantId, domain, default)).Single(r => r.RecordType == "Txt");
        var zone = await cloudflare.CreateZoneAsync(domain, default);
        await cloudflare.CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", txt.Text!), default);
        Assert.True(await ms.VerifyDomainAsync(customer.TenantId, domain, default));
        return customer.TenantId;
    }
}
