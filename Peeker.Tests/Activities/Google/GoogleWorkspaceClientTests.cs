using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Providers;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Google;

[Collection(SandboxServerGroup.Name)]
public sealed class GoogleWorkspaceClientTests(SandboxServerFixture sandbox)
{
    private static readonly byte[] Jpeg = [0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x10, 0x4A, 0x46, 0x49, 0x46];

    private IGoogleWorkspaceClient Client(ProviderScope scope) =>
        sandbox.Providers.GetRequiredService<IGoogleWorkspaceClientFactory>().Create(scope);

    private ICloudflareClient Cloudflare(ProviderScope scope) =>
        sandbox.Providers.GetRequiredService<ICloudflareClientFactory>().Create(scope);

    private static GoogleCustomerInput Customer(string domain) =>
        new(domain, "owner@customer.example", "Ada Lovelace", "Acme", "1 Main St", "Austin", "TX", "78701", "US");

    /// <summary>Customer with <paramref name="seats"/> seats and a verified domain (token published in the sandbox zone).</summary>
    private async Task<GoogleCustomer> ReadyDomainAsync(ProviderScope scope, string domain, int seats)
    {
        var google = Client(scope);
        var customer = await google.CreateCustomerAsync(Customer(domain), default);
        await google.CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "FLEXIBLE", seats, default);
        var token = await google.GetVerificationTokenAsync(domain, default);
        var zone = await Cloudflare(scope).CreateZoneAsync(domain, default);
        await Cloudflare(scope).CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", token), default);
        Assert.True(await google.VerifyDomainAsync(domain, default));
        return customer;
    }

    [Fact]
    public async Task CreateCustomerAsync_Twice_SecondAnswersExistingCustomer()
    {
        var scope = SandboxServerFixture.NewPartner();

        var first = await Client(scope).CreateCustomerAsync(Customer("g-twice.com"), default);
        var second = await Client(scope).CreateCustomerAsync(Customer("g-twice.com"), default);

        Assert.False(first.AlreadyExisted);
        Assert.True(second.AlreadyExisted);
        Assert.Equal(first.CustomerId, second.CustomerId);
    }

    [Fact]
    public async Task CreateSubscriptionAsync_AnnualAndRepeated_SendsNumberOfSeatsAndAnswersExisting()
    {
        var scope = SandboxServerFixture.NewPartner();
        var customer = await Client(scope).CreateCustomerAsync(Customer("g-annual.com"), default);

        var first = await Client(scope)
            .CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "ANNUAL_MONTHLY_PAY", 3, default);
        var again = await Client(scope)
            .CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "ANNUAL_MONTHLY_PAY", 3, default);

        Assert.Equal(3, first.Seats);
        Assert.True(again.AlreadyExisted);
        Assert.Equal(first.SubscriptionId, again.SubscriptionId);
    }

    [Fact]
    public async Task VerifyDomainAsync_BeforeTxtExists_IsFalse()
    {
        var scope = SandboxServerFixture.NewPartner();
        await Client(scope).GetVerificationTokenAsync("g-unverified.com", default);

        Assert.False(await Client(scope).VerifyDomainAsync("g-unverified.com", default));
    }

    [Fact]
    public async Task CreateUserAsync_VerifiedDomain_CreatesOnceAndCountsSeats()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-users.com", seats: 2);
        var google = Client(scope);

        var ada = await google.CreateUserAsync(new GoogleUserInput("ada@g-users.com", "Ada", "Lovelace", "S3cret-pass!"), default);
        var again = await google.CreateUserAsync(new GoogleUserInput("ada@g-users.com", "Ada", "Lovelace", "S3cret-pass!"), default);
        await google.CreateUserAsync(new GoogleUserInput("bob@g-users.com", "Bob", "Byron", "S3cret-pass!"), default);
        var full = await Assert.ThrowsAsync<ProviderException>(() =>
            google.CreateUserAsync(new GoogleUserInput("cat@g-users.com", "Cat", "Crane", "S3cret-pass!"), default)
        );

        Assert.False(ada.AlreadyExisted);
        Assert.NotNull(ada.Id);
        Assert.True(again.AlreadyExisted);
        Assert.Equal("conditionNotMet", full.Code);
        Assert.False(full.IsRetryable);
        Assert.Equal(2, await sandbox.CountAsync(scope, SandboxKinds.GoogleUser));
    }

    [Fact]
    public async Task CreateUserAsync_UnverifiedDomain_FailsAtOnce()
    {
        var scope = SandboxServerFixture.NewPartner();
        var customer = await Client(scope).CreateCustomerAsync(Customer("g-noverify.com"), default);
        await Client(scope).CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "FLEXIBLE", 1, default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).CreateUserAsync(new GoogleUserInput("ada@g-noverify.com", "Ada", "Lovelace", "S3cret-pass!"), default)
        );

        Assert.False(error.IsRetryable);
        Assert.Equal(412, error.StatusCode);
    }

    [Fact]
    public async Task AddAliasAndPhoto_ExistingUser_AreStoredAndAliasIsIdempotent()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-alias.com", seats: 1);
        await Client(scope).CreateUserAsync(new GoogleUserInput("ada@g-alias.com", "Ada", "Lovelace", "S3cret-pass!"), default);

        await Client(scope).AddAliasAsync("ada@g-alias.com", "a.lovelace@g-alias.com", default);
        await Client(scope).AddAliasAsync("ada@g-alias.com", "a.lovelace@g-alias.com", default);
        await Client(scope).SetProfilePhotoAsync("ada@g-alias.com", Jpeg, "image/jpeg", default);

        var user = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.GoogleUser));
        Assert.Equal(["a.lovelace@g-alias.com"], user.GetProperty("aliases").EnumerateArray().Select(a => a.GetString()));
        Assert.True(user.GetProperty("hasPhoto").GetBoolean());
    }

    [Fact]
    public async Task SetProfilePhotoAsync_BadpicUser_FailsNonRetryable()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-pic.com", seats: 1);
        await Client(scope).CreateUserAsync(new GoogleUserInput("badpic@g-pic.com", "Bad", "Pic", "S3cret-pass!"), default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).SetProfilePhotoAsync("badpic@g-pic.com", Jpeg, "image/jpeg", default)
        );

        Assert.Equal("invalid", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task RenameUserAsync_NewAddress_MovesUserAndKeepsOldAddressAsAlias()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-rename.com", seats: 1);
        var created = await Client(scope)
            .CreateUserAsync(new GoogleUserInput("ada@g-rename.com", "Ada", "Lovelace", "S3cret-pass!"), default);

        var renamed = await Client(scope)
            .RenameUserAsync(new GoogleRenameInput("ada@g-rename.com", "sam.lee@g-rename.com", "Sam", "Lee"), default);

        Assert.False(renamed.AlreadyRenamed);
        Assert.Equal(created.Id, renamed.Id);
        Assert.Equal("sam.lee@g-rename.com", renamed.PrimaryEmail);
        Assert.Contains("ada@g-rename.com", renamed.Aliases);
        var user = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.GoogleUser));
        Assert.Equal("sam.lee@g-rename.com", user.GetProperty("primaryEmail").GetString());
        Assert.Equal("Sam", user.GetProperty("givenName").GetString());
        Assert.Equal("Lee", user.GetProperty("familyName").GetString());
    }

    [Fact]
    public async Task RenameUserAsync_RepeatedAfterLostAnswer_SucceedsOnTheSameUser()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-rerename.com", seats: 1);
        var created = await Client(scope)
            .CreateUserAsync(new GoogleUserInput("ada@g-rerename.com", "Ada", "Lovelace", "S3cret-pass!"), default);
        var rename = new GoogleRenameInput("ada@g-rerename.com", "sam@g-rerename.com", "Sam", "Lee");
        await Client(scope).RenameUserAsync(rename, default);

        var again = await Client(scope).RenameUserAsync(rename, default);

        Assert.Equal(created.Id, again.Id);
        Assert.Equal("sam@g-rerename.com", again.PrimaryEmail);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.GoogleUser));
    }

    [Fact]
    public async Task RenameUserAsync_CurrentAddressGoneButNewOneThere_AnswersAlreadyRenamedAndSetsNames()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-moved.com", seats: 1);
        await Client(scope).CreateUserAsync(new GoogleUserInput("sam@g-moved.com", "Samuel", "L", "S3cret-pass!"), default);

        var renamed = await Client(scope)
            .RenameUserAsync(new GoogleRenameInput("gone@g-moved.com", "sam@g-moved.com", "Sam", "Lee"), default);

        Assert.True(renamed.AlreadyRenamed);
        var user = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.GoogleUser));
        Assert.Equal("Sam", user.GetProperty("givenName").GetString());
        Assert.Equal("Lee", user.GetProperty("familyName").GetString());
    }

    [Fact]
    public async Task RenameUserAsync_AddressOfAnotherUser_FailsNonRetryable()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-taken.com", seats: 2);
        await Client(scope).CreateUserAsync(new GoogleUserInput("ada@g-taken.com", "Ada", "Lovelace", "S3cret-pass!"), default);
        await Client(scope).CreateUserAsync(new GoogleUserInput("bob@g-taken.com", "Bob", "Byron", "S3cret-pass!"), default);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).RenameUserAsync(new GoogleRenameInput("ada@g-taken.com", "bob@g-taken.com", "Bob", "Lee"), default)
        );

        Assert.Equal("duplicate", error.Code);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task RenameUserAsync_NeitherAddressKnown_FailsUserNotFound()
    {
        var scope = SandboxServerFixture.NewPartner();
        await ReadyDomainAsync(scope, "g-nobody.com", seats: 1);

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).RenameUserAsync(new GoogleRenameInput("ada@g-nobody.com", "sam@g-nobody.com", "Sam", "Lee"), default)
        );

        Assert.Equal("user_not_found", error.Code);
        Assert.False(error.IsRetryable);
    }
}
