using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Microsoft;

[Collection(SandboxServerGroup.Name)]
public sealed class MicrosoftClientTests(SandboxServerFixture sandbox)
{
    private const string BusinessBasic = "CFQ7TTC0LH18:0001";

    private IMicrosoftClient Client(ProviderScope scope) => sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>().Create(scope);

    private ICloudflareClient Cloudflare(ProviderScope scope) =>
        sandbox.Providers.GetRequiredService<ICloudflareClientFactory>().Create(scope);

    private static MicrosoftCustomerInput Customer(string prefix) =>
        new(prefix, "Acme", "owner@customer.example", "Ada", "Lovelace", "1 Main St", "Austin", "TX", "78701", "US", "+15125550100");

    /// <summary>A tenant with <paramref name="licenses"/> Business Basic licences and <paramref name="domain"/> verified with Email on.</summary>
    private async Task<string> ReadyTenantAsync(ProviderScope scope, string domain, int licenses)
    {
        var ms = Client(scope);
        var customer = await ms.CreateCustomerAsync(Customer(domain.Split('.')[0]), "req-" + domain, default);
        await ms.PurchaseLicensesAsync(customer.CustomerId, BusinessBasic, licenses, "buy-" + domain, default);
        await ms.AddDomainAsync(customer.TenantId, domain, default);
        var txt = (await ms.GetVerificationRecordsAsync(customer.TenantId, domain, default)).Single(r => r.RecordType == "Txt");
        var zone = await Cloudflare(scope).CreateZoneAsync(domain, default);
        await Cloudflare(scope).CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", txt.Text!), default);
        Assert.True(await ms.VerifyDomainAsync(customer.TenantId, domain, default));
        await ms.EnableEmailAsync(customer.TenantId, domain, default);
        return customer.TenantId;
    }

    [Fact]
    public async Task CreateCustomerAsync_SameRequestIdTwice_CreatesOneTenant()
    {
        var scope = SandboxServerFixture.NewPartner();

        var first = await Client(scope).CreateCustomerAsync(Customer("acmeonce"), "req-1", default);
        var second = await Client(scope).CreateCustomerAsync(Customer("acmeonce"), "req-1", default);

        Assert.Equal(first, second);
        Assert.Equal("acmeonce.onmicrosoft.com", first.InitialDomain);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftCustomer));
    }

    [Fact]
    public async Task CreateCustomerAsync_OursAlreadyThereUnderAnotherRequestId_ReturnsIt()
    {
        var scope = SandboxServerFixture.NewPartner();
        var first = await Client(scope).CreateCustomerAsync(Customer("acmeforgot"), "req-1", default);

        // Partner Center no longer knows req-1 (or the first call died before it was recorded): the domain is taken, by us.
        var again = await Client(scope).CreateCustomerAsync(Customer("acmeforgot"), "req-2", default);

        Assert.Equal(first, again);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftCustomer));
    }

    [Fact]
    public async Task CreateCustomerAsync_DomainHeldByAnotherCompany_StillConflicts()
    {
        var scope = SandboxServerFixture.NewPartner();
        await Client(scope).CreateCustomerAsync(Customer("acmetaken"), "req-1", default);

        var ex = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).CreateCustomerAsync(Customer("acmetaken") with { CompanyName = "ord_other" }, "req-2", default)
        );

        Assert.Equal((409, "600", false), (ex.StatusCode, ex.Code, ex.IsRetryable));
    }

    [Fact]
    public async Task PurchaseLicensesAsync_SameRequestIdTwice_BuysOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var customer = await Client(scope).CreateCustomerAsync(Customer("acmebuy"), "req-c", default);

        var order = await Client(scope).PurchaseLicensesAsync(customer.CustomerId, BusinessBasic, 3, "buy-1", default);
        var again = await Client(scope).PurchaseLicensesAsync(customer.CustomerId, BusinessBasic, 3, "buy-1", default);
        var skus = await Client(scope).GetSubscribedSkusAsync(customer.TenantId, default);

        Assert.Equal(order.OrderId, again.OrderId);
        var sku = Assert.Single(skus);
        Assert.Equal(3, sku.Enabled);
        Assert.Equal("O365_BUSINESS_ESSENTIALS", sku.SkuPartNumber);
    }

    [Fact]
    public async Task VerifyDomainAsync_BeforeTxt_IsFalse_AndAddDomainIsIdempotent()
    {
        var scope = SandboxServerFixture.NewPartner();
        var customer = await Client(scope).CreateCustomerAsync(Customer("acmeverify"), "req-v", default);

        var added = await Client(scope).AddDomainAsync(customer.TenantId, "m-verify.com", default);
        var again = await Client(scope).AddDomainAsync(customer.TenantId, "m-verify.com", default);
        var verified = await Client(scope).VerifyDomainAsync(customer.TenantId, "m-verify.com", default);

        Assert.False(added.AlreadyExisted);
        Assert.True(again.AlreadyExisted);
        Assert.False(verified);
    }

    [Fact]
    public async Task GetServiceConfigurationRecordsAsync_VerifiedEmailDomain_ReturnsMxSpfAndAutodiscover()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-records.com", licenses: 1);

        var records = await Client(scope).GetServiceConfigurationRecordsAsync(tenant, "m-records.com", default);

        var mx = Assert.Single(records, r => r.RecordType == "Mx");
        Assert.StartsWith("m-records-com.", mx.MailExchange, StringComparison.Ordinal);
        Assert.Equal(0, mx.Preference);
        Assert.Contains(records, r => r.RecordType == "Txt" && r.Text == "v=spf1 include:spf.protection.outlook.com -all");
        Assert.Contains(
            records,
            r => r.RecordType == "CName" && r.Label == "autodiscover.m-records.com" && r.CanonicalName == "autodiscover.outlook.com"
        );
    }

    [Fact]
    public async Task AssignLicenseAsync_UserWithoutUsageLocation_FailsAtOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-nolocation.com", licenses: 1);
        await Client(scope)
            .CreateUserAsync(tenant, new MicrosoftUserInput("ada@m-nolocation.com", "Ada", "Ada", "Lovelace", "S3cret-pass!", ""), default);
        var sku = (await Client(scope).GetSubscribedSkusAsync(tenant, default)).Single().SkuId;

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).AssignLicenseAsync(tenant, "ada@m-nolocation.com", sku, default)
        );

        Assert.False(error.IsRetryable);
        Assert.Contains("usage location", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AssignLicenseAsync_MoreUsersThanLicences_CountsAndFailsWithCountViolation()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-seats.com", licenses: 1);
        var ms = Client(scope);
        var sku = (await ms.GetSubscribedSkusAsync(tenant, default)).Single().SkuId;
        var ada = await ms.CreateUserAsync(
            tenant,
            new MicrosoftUserInput("ada@m-seats.com", "Ada", "Ada", "Lovelace", "S3cret-pass!", "US"),
            default
        );
        var adaAgain = await ms.CreateUserAsync(
            tenant,
            new MicrosoftUserInput("ada@m-seats.com", "Ada", "Ada", "Lovelace", "S3cret-pass!", "US"),
            default
        );
        await ms.CreateUserAsync(tenant, new MicrosoftUserInput("bob@m-seats.com", "Bob", "Bob", "Byron", "S3cret-pass!", "US"), default);

        await ms.AssignLicenseAsync(tenant, "ada@m-seats.com", sku, default);
        await ms.AssignLicenseAsync(tenant, "ada@m-seats.com", sku, default);
        var error = await Assert.ThrowsAsync<ProviderException>(() => ms.AssignLicenseAsync(tenant, "bob@m-seats.com", sku, default));

        Assert.True(adaAgain.AlreadyExisted);
        Assert.Equal(ada.Id, adaAgain.Id);
        Assert.Equal("CountViolation", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(1, (await ms.GetSubscribedSkusAsync(tenant, default)).Single().Consumed);
    }

    [Fact]
    public async Task AssignLicenseAsync_LicenceRowCountedAUserThatHasNone_CountsFromTheUsersAndAssigns()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-recount.com", licenses: 1);
        var ms = Client(scope);
        var sku = (await ms.GetSubscribedSkusAsync(tenant, default)).Single().SkuId;
        await ms.CreateUserAsync(
            tenant,
            new MicrosoftUserInput("ada@m-recount.com", "Ada", "Ada", "Lovelace", "S3cret-pass!", "US"),
            default
        );
        // An earlier assign cut short after it counted the licence but before the user held it (a lost answer, a
        // storage fault mid-call) leaves the licence row one ahead of the users.
        var store = new SandboxStore(new Azure.Data.Tables.TableServiceClient(sandbox.StorageConnectionString));
        var key = tenant + "|" + sku;
        var row = await store.GetAsync<Peeker.Sandbox.Microsoft.MicrosoftLicenseState>(scope.PartnerId, SandboxKinds.MicrosoftLicense, key);
        await store.UpsertAsync(scope.PartnerId, SandboxKinds.MicrosoftLicense, key, row! with { Consumed = 1 });

        await ms.AssignLicenseAsync(tenant, "ada@m-recount.com", sku, default);

        Assert.Equal(1, (await ms.GetSubscribedSkusAsync(tenant, default)).Single().Consumed);
    }

    [Fact]
    public async Task CreateUserAsync_UnverifiedDomain_FailsAtOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var customer = await Client(scope).CreateCustomerAsync(Customer("acmeunverified"), "req-u", default);
        await Client(scope).AddDomainAsync(customer.TenantId, "m-unverified.com", default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope)
                .CreateUserAsync(
                    customer.TenantId,
                    new MicrosoftUserInput("ada@m-unverified.com", "Ada", "Ada", "Lovelace", "S3cret-pass!", "US"),
                    default
                )
        );

        Assert.Equal("Request_BadRequest", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task AddDomainAsync_RateLimitedOnce_RetriesAfterRetryAfter()
    {
        var scope = SandboxServerFixture.NewPartner();
        var customer = await Client(scope).CreateCustomerAsync(Customer("acmethrottle"), "req-t", default);

        var domain = await Client(scope).AddDomainAsync(customer.TenantId, "ratelimited-ms.com", default);

        Assert.False(domain.IsVerified);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftDomain));
    }

    [Fact]
    public async Task RenameUserAsync_NewUpn_MovesUserKeepingIdAndLicence()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-rename.com", licenses: 1);
        var ms = Client(scope);
        var ada = await ms.CreateUserAsync(
            tenant,
            new MicrosoftUserInput("ada@m-rename.com", "Ada Lovelace", "Ada", "Lovelace", "S3cret-pass!", "US"),
            default
        );
        await ms.AssignLicenseAsync(tenant, "ada@m-rename.com", (await ms.GetSubscribedSkusAsync(tenant, default)).Single().SkuId, default);

        var renamed = await ms.RenameUserAsync(
            tenant,
            new MicrosoftRenameInput("ada@m-rename.com", "samlee@m-rename.com", "Sam Lee", "Sam", "Lee"),
            default
        );

        Assert.False(renamed.AlreadyRenamed);
        Assert.Equal(ada.Id, renamed.Id);
        var user = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.MicrosoftUser));
        Assert.Equal("samlee@m-rename.com", user.GetProperty("userPrincipalName").GetString());
        Assert.Equal("Sam Lee", user.GetProperty("displayName").GetString());
        Assert.Equal("Lee", user.GetProperty("surname").GetString());
        Assert.Single(user.GetProperty("licenses").EnumerateArray());
        Assert.Equal(1, (await ms.GetSubscribedSkusAsync(tenant, default)).Single().Consumed);
    }

    [Fact]
    public async Task RenameUserAsync_RepeatedAfterLostAnswer_AnswersAlreadyRenamed()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-rerename.com", licenses: 1);
        var ms = Client(scope);
        var ada = await ms.CreateUserAsync(
            tenant,
            new MicrosoftUserInput("ada@m-rerename.com", "Ada Lovelace", "Ada", "Lovelace", "S3cret-pass!", "US"),
            default
        );
        var rename = new MicrosoftRenameInput("ada@m-rerename.com", "sam@m-rerename.com", "Sam Lee", "Sam", "Lee");
        await ms.RenameUserAsync(tenant, rename, default);

        var again = await ms.RenameUserAsync(tenant, rename, default);

        Assert.True(again.AlreadyRenamed);
        Assert.Equal(ada.Id, again.Id);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftUser));
    }

    [Fact]
    public async Task RenameUserAsync_UpnOfAnotherUser_FailsNonRetryable()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-taken.com", licenses: 2);
        var ms = Client(scope);
        await ms.CreateUserAsync(
            tenant,
            new MicrosoftUserInput("ada@m-taken.com", "Ada", "Ada", "Lovelace", "S3cret-pass!", "US"),
            default
        );
        await ms.CreateUserAsync(tenant, new MicrosoftUserInput("bob@m-taken.com", "Bob", "Bob", "Byron", "S3cret-pass!", "US"), default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            ms.RenameUserAsync(tenant, new MicrosoftRenameInput("ada@m-taken.com", "bob@m-taken.com", "Bob Lee", "Bob", "Lee"), default)
        );

        Assert.True(MicrosoftClient.IsAlreadyExists(error));
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task RenameUserAsync_NeitherUpnKnown_FailsUserNotFound()
    {
        var scope = SandboxServerFixture.NewPartner();
        var tenant = await ReadyTenantAsync(scope, "m-nobody.com", licenses: 1);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope)
                .RenameUserAsync(tenant, new MicrosoftRenameInput("ada@m-nobody.com", "sam@m-nobody.com", "Sam Lee", "Sam", "Lee"), default)
        );

        Assert.Equal("user_not_found", error.Code);
        Assert.False(error.IsRetryable);
    }
}
