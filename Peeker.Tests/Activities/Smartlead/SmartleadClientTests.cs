using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Smartlead;

[Collection(SandboxServerGroup.Name)]
public sealed class SmartleadClientTests(SandboxServerFixture sandbox)
{
    private ISmartleadClient Client(ProviderScope scope) => sandbox.Providers.GetRequiredService<ISmartleadClientFactory>().Create(scope);

    [Fact]
    public async Task SaveEmailAccountAsync_GoogleTwice_KeepsOneAccountWithWarmup()
    {
        var scope = SandboxServerFixture.NewPartner();
        var account = SmartleadEmailAccount.ForGoogle(
            "Ada Lovelace",
            "ada@sl-google.com",
            "app-password-1234",
            new SmartleadWarmup(TotalPerDay: 15)
        );

        var first = await Client(scope).SaveEmailAccountAsync(account, default);
        var second = await Client(scope).SaveEmailAccountAsync(account, default);
        var listed = await Client(scope).ListEmailAccountsAsync(default);

        Assert.Equal(first.Id, second.Id);
        Assert.True(first.SmtpOk);
        Assert.Equal("ACTIVE", first.WarmupStatus);
        var only = Assert.Single(listed);
        Assert.Equal("ada@sl-google.com", only.FromEmail);
    }

    [Fact]
    public async Task SaveEmailAccountAsync_MicrosoftOverSmtpBasicAuth_FailsNonRetryable()
    {
        var scope = SandboxServerFixture.NewPartner();
        var smtp = SmartleadEmailAccount.ForMicrosoft("Bob", "bob@sl-ms.com", "refresh", new SmartleadWarmup()) with
        {
            Type = "SMTP",
            Password = "pw",
            OAuthRefreshToken = null,
        };

        var error = await Assert.ThrowsAsync<ProviderException>(() => Client(scope).SaveEmailAccountAsync(smtp, default));

        Assert.Equal("connection_failed", error.Code);
        Assert.False(error.IsRetryable);
        Assert.Equal(0, await sandbox.CountAsync(scope, SandboxKinds.SmartleadAccount));
    }

    [Fact]
    public async Task SaveEmailAccountAsync_MicrosoftOAuth_IsSaved()
    {
        var scope = SandboxServerFixture.NewPartner();

        var saved = await Client(scope)
            .SaveEmailAccountAsync(
                SmartleadEmailAccount.ForMicrosoft("Bob", "bob@sl-oauth.com", "refresh-token", new SmartleadWarmup()),
                default
            );

        Assert.Equal("OUTLOOK", saved.Type);
    }

    [Fact]
    public async Task SaveEmailAccountAsync_RateLimitedOnce_RetriesAndSavesOnce()
    {
        var scope = SandboxServerFixture.NewPartner();

        await Client(scope)
            .SaveEmailAccountAsync(
                SmartleadEmailAccount.ForGoogle("Cat", "ratelimited@sl-429.com", "app-password-1234", new SmartleadWarmup()),
                default
            );

        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.SmartleadAccount));
    }

    [Fact]
    public async Task Calls_SuccessAndFailure_NeverLogOrThrowTheApiKey()
    {
        var scope = SandboxServerFixture.NewPartner();
        var apiKey = "sbx_" + scope.PartnerId;
        var client = Client(scope);

        await client.SaveEmailAccountAsync(
            SmartleadEmailAccount.ForGoogle("Dan", "dan@sl-secret.com", "app-password-secret", new SmartleadWarmup()),
            default
        );
        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            client.SaveEmailAccountAsync(
                SmartleadEmailAccount.ForGoogle("Dan", "dan@sl-secret.com", "app-password-secret", new SmartleadWarmup()) with
                {
                    Password = null,
                },
                default
            )
        );

        Assert.DoesNotContain(apiKey, error.ToString(), StringComparison.Ordinal);
        // The HTTP logs do name the call (so the check below is not vacuous), just never its api_key.
        Assert.Contains(sandbox.Logs.Lines(), line => line.Contains("/email-accounts/save", StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Logs.Lines(), line => line.Contains(apiKey, StringComparison.Ordinal));
        Assert.DoesNotContain(sandbox.Logs.Lines(), line => line.Contains("app-password-secret", StringComparison.Ordinal));
    }

    [Fact]
    public async Task UpdateEmailAccountAsync_RenamedInbox_KeepsIdAndWarmupUnderTheNewAddress()
    {
        var scope = SandboxServerFixture.NewPartner();
        var saved = await Client(scope)
            .SaveEmailAccountAsync(
                SmartleadEmailAccount.ForGoogle("Ada Lovelace", "ada@sl-rename.com", "app-password-1234", new SmartleadWarmup()),
                default
            );
        var update = new SmartleadAccountUpdate("Sam Lee", "sam.lee@sl-rename.com", "sam.lee@sl-rename.com");

        var updated = await Client(scope).UpdateEmailAccountAsync(saved.Id, update, default);
        var again = await Client(scope).UpdateEmailAccountAsync(saved.Id, update, default);

        Assert.Equal(saved.Id, updated.Id);
        Assert.Equal(saved.Id, again.Id);
        Assert.Equal("sam.lee@sl-rename.com", updated.FromEmail);
        Assert.Equal("ACTIVE", updated.WarmupStatus);
        var only = Assert.Single(await sandbox.Inspector.ReadAsync(scope.PartnerId, SandboxKinds.SmartleadAccount));
        Assert.Equal("Sam Lee", only.GetProperty("fromName").GetString());
        Assert.Equal("sam.lee@sl-rename.com", only.GetProperty("userName").GetString());
    }

    [Fact]
    public async Task UpdateEmailAccountAsync_UnknownId_FailsNonRetryable()
    {
        var scope = SandboxServerFixture.NewPartner();

        var error = await Assert.ThrowsAsync<ProviderException>(() =>
            Client(scope).UpdateEmailAccountAsync(42, new SmartleadAccountUpdate("Sam Lee", "sam@sl-none.com", "sam@sl-none.com"), default)
        );

        Assert.Equal(404, error.StatusCode);
        Assert.False(error.IsRetryable);
    }

    [Fact]
    public async Task DeleteEmailAccountAsync_Twice_DeletesThenAnswersFalseFor404()
    {
        var scope = SandboxServerFixture.NewPartner();
        var saved = await Client(scope)
            .SaveEmailAccountAsync(
                SmartleadEmailAccount.ForGoogle("Ada Lovelace", "ada@sl-delete.com", "app-password-1234", new()),
                default
            );

        var first = await Client(scope).DeleteEmailAccountAsync(saved.Id, default);
        var again = await Client(scope).DeleteEmailAccountAsync(saved.Id, default);

        Assert.True(first);
        Assert.False(again);
        Assert.Empty(await Client(scope).ListEmailAccountsAsync(default));
    }
}
