using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Smartlead;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>Removing a domain's Smartlead accounts against the Smartlead simulator (real HTTP, <c>DELETE /email-accounts/{id}</c>).</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class DeleteSequencerAccountsTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task RunAsync_RetiredDomain_DeletesOnlyItsAccounts_AndARetryFindsNothingLeft()
    {
        var scope = SandboxServerFixture.NewPartner();
        var factory = sandbox.Providers.GetRequiredService<ISmartleadClientFactory>();
        var client = factory.Create(scope);
        foreach (var email in new[] { "sam@old-sl.com", "sam.lee@old-sl.com", "sam@kept-sl.com" })
        {
            await client.SaveEmailAccountAsync(SmartleadEmailAccount.ForGoogle("Sam Lee", email, "app-password-1234", new()), default);
        }

        var activity = new DeleteSequencerAccounts(factory);
        var input = new DeleteSequencerAccountsInput(
            new OrderRef("ord_sl", scope.Environment, scope.PartnerId),
            new PlannedDomain(
                "dom_old",
                "old-sl.com",
                MailProvider.Google,
                false,
                null,
                [new PlannedInbox("sam", "Sam", "Lee", null), new PlannedInbox("sam.lee", "Sam", "Lee", null)]
            )
        );

        var first = await activity.RunAsync(new TestActivityContext(nameof(DeleteSequencerAccounts), "t1"), input);
        var retried = await activity.RunAsync(new TestActivityContext(nameof(DeleteSequencerAccounts), "t2"), input);

        Assert.Equal(2, first.Deleted);
        Assert.Equal(0, retried.Deleted);
        Assert.Equal(["sam@kept-sl.com"], (await client.ListEmailAccountsAsync(default)).Select(a => a.FromEmail));
    }
}
