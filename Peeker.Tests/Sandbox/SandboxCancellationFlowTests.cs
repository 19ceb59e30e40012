using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Google;
using Peeker.Activities.Microsoft;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Sandbox.State;
using Peeker.Tests.Activities;

namespace Peeker.Tests.Sandbox;

/// <summary>The cancellation undo activities (<see cref="DeleteInboxes"/>, <see cref="RevokeLicenses"/>) run for real against the simulators.</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class SandboxCancellationFlowTests(SandboxServerFixture sandbox)
{
    private const string BusinessBasic = EnsureMicrosoftTenant.CatalogItemId;

    private static readonly PlannedInbox[] TwoInboxes = [new("ada", "Ada", "Lovelace", null), new("ada.lovelace", "Ada", "Lovelace", null)];

    private static readonly PlannedInbox[] ThreeInboxes = [.. TwoInboxes, new("alovelace", "Ada", "Lovelace", null)];

    [Fact]
    public async Task GoogleDomain_DeleteInboxesThenRevokeLicenses_RemovesUsersAndSubscriptionAndIsIdempotent()
    {
        var scope = SandboxServerFixture.NewPartner();
        var order = new OrderRef("ord_cancel", scope.Environment, scope.PartnerId);
        const string Domain = "g-cancel.com";
        var google = sandbox.Providers.GetRequiredService<IGoogleWorkspaceClientFactory>().Create(scope);
        var customer = await google.CreateCustomerAsync(
            new GoogleCustomerInput(Domain, "owner@customer.example", "Ada", "Acme", "1 Main St", "Austin", "TX", "78701", "US"),
            default
        );
        await google.CreateSubscriptionAsync(customer.CustomerId, GoogleSkus.BusinessStarter, "FLEXIBLE", 2, default);
        await VerifyGoogleAsync(scope, google, Domain);
        foreach (var inbox in TwoInboxes)
        {
            await google.CreateUserAsync(
                new GoogleUserInput($"{inbox.LocalPart}@{Domain}", inbox.FirstName, inbox.LastName, "S3cret-pass!"),
                default
            );
        }

        var domain = new PlannedDomain("dom_g", Domain, MailProvider.Google, false, null, TwoInboxes);
        var deleted = await DeleteInboxesActivity().RunAsync(Context(nameof(DeleteInboxes)), new DeleteInboxesInput(order, domain, null));
        var deletedAgain = await DeleteInboxesActivity()
            .RunAsync(Context(nameof(DeleteInboxes)), new DeleteInboxesInput(order, domain, null));
        var revoked = await RevokeLicensesActivity()
            .RunAsync(Context(nameof(RevokeLicenses)), new RevokeLicensesInput(order, [Domain], null));
        var revokedAgain = await RevokeLicensesActivity()
            .RunAsync(Context(nameof(RevokeLicenses)), new RevokeLicensesInput(order, [Domain], null));

        Assert.Equal(2, deleted.Deleted);
        Assert.Equal(0, deletedAgain.Deleted);
        Assert.Equal(0, await sandbox.CountAsync(scope, SandboxKinds.GoogleUser));
        Assert.Equal(1, revoked.GoogleSubscriptionsCancelled);
        Assert.Equal(0, revokedAgain.GoogleSubscriptionsCancelled);
        Assert.Empty(await google.ListSubscriptionsAsync(customer.CustomerId, default));
        Assert.Null(revoked.MicrosoftLicensesKept);
    }

    [Fact]
    public async Task MicrosoftTenant_CancelOneDomainThenTheOther_LicencesFollowTheMailboxesLeftThenSuspend()
    {
        var scope = SandboxServerFixture.NewPartner();
        var order = new OrderRef("ord_mcancel", scope.Environment, scope.PartnerId);
        var ms = sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>().Create(scope);
        var customer = await ms.CreateCustomerAsync(
            new MicrosoftCustomerInput(
                "mcancel",
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
            "req-mcancel",
            default
        );
        var tenant = customer.TenantId;
        await ms.PurchaseLicensesAsync(customer.CustomerId, BusinessBasic, 6, "buy-mcancel", default);
        var first = new PlannedDomain("dom_1", "m-cancel-one.com", MailProvider.Microsoft, false, null, ThreeInboxes);
        var second = new PlannedDomain("dom_2", "m-cancel-two.com", MailProvider.Microsoft, false, null, ThreeInboxes);
        foreach (var domain in new[] { first, second })
        {
            await ReadyMicrosoftDomainAsync(scope, ms, tenant, domain);
        }

        var refused = await Assert.ThrowsAsync<ProviderException>(() => ms.RemoveDomainAsync(tenant, first.Domain, default));
        var cutBelowAssigned = await Assert.ThrowsAsync<ProviderException>(async () =>
            await ms.SetSubscriptionQuantityAsync(tenant, (await ms.ListSubscriptionsAsync(tenant, default)).Single(), 5, default)
        );

        var deletedFirst = await DeleteInboxesActivity()
            .RunAsync(Context(nameof(DeleteInboxes)), new DeleteInboxesInput(order, first, tenant));
        var revokedFirst = await RevokeLicensesActivity()
            .RunAsync(Context(nameof(RevokeLicenses)), new RevokeLicensesInput(order, [], tenant));
        var afterFirst = (await ms.ListSubscriptionsAsync(tenant, default)).Single();
        var revokedFirstAgain = await RevokeLicensesActivity()
            .RunAsync(Context(nameof(RevokeLicenses)), new RevokeLicensesInput(order, [], tenant));

        await DeleteInboxesActivity().RunAsync(Context(nameof(DeleteInboxes)), new DeleteInboxesInput(order, second, tenant));
        var revokedSecond = await RevokeLicensesActivity()
            .RunAsync(Context(nameof(RevokeLicenses)), new RevokeLicensesInput(order, [], tenant));
        var afterSecond = (await ms.ListSubscriptionsAsync(tenant, default)).Single();

        Assert.Equal(400, refused.StatusCode);
        Assert.Equal(400, cutBelowAssigned.StatusCode);
        Assert.Equal(3, deletedFirst.Deleted);
        Assert.Equal(3, revokedFirst.MicrosoftLicensesKept);
        Assert.Equal((3, "active"), (afterFirst.Quantity, afterFirst.Status));
        Assert.Equal(3, revokedFirstAgain.MicrosoftLicensesKept);
        Assert.Equal(0, revokedSecond.MicrosoftLicensesKept);
        Assert.Equal("suspended", afterSecond.Status);
        Assert.Equal(0, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftUser));
        Assert.Equal(0, await sandbox.CountAsync(scope, SandboxKinds.MicrosoftDomain));
        Assert.Equal(0, (await ms.GetSubscribedSkusAsync(tenant, default)).Single().Consumed);
    }

    private static TestActivityContext Context(string activity) => new(activity, "ord_cancel:cancel");

    private DeleteInboxes DeleteInboxesActivity() =>
        new(
            sandbox.Providers.GetRequiredService<IGoogleWorkspaceClientFactory>(),
            sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>()
        );

    private RevokeLicenses RevokeLicensesActivity() =>
        new(
            sandbox.Providers.GetRequiredService<IGoogleWorkspaceClientFactory>(),
            sandbox.Providers.GetRequiredService<IMicrosoftClientFactory>()
        );

    private async Task VerifyGoogleAsync(ProviderScope scope, IGoogleWorkspaceClient google, string domain)
    {
        var cloudflare = sandbox.Providers.GetRequiredService<ICloudflareClientFactory>().Create(scope);
        var zone = await cloudflare.CreateZoneAsync(domain, default);
        await cloudflare.CreateDnsRecordAsync(
            zone.Id,
            new DnsRecordInput("TXT", "@", await google.GetVerificationTokenAsync(domain, default)),
            default
        );
        Assert.True(await google.VerifyDomainAsync(domain, default));
    }

    private async Task ReadyMicrosoftDomainAsync(ProviderScope scope, IMicrosoftClient ms, string tenant, PlannedDomain domain)
    {
        var cloudflare = sandbox.Providers.GetRequiredService<ICloudflareClientFactory>().Create(scope);
        await ms.AddDomainAsync(tenant, domain.Domain, default);
        var txt = (await ms.GetVerificationRecordsAsync(tenant, domain.Domain, default)).Single(r => r.RecordType == "Txt");
        var zone = await cloudflare.CreateZoneAsync(domain.Domain, default);
        await cloudflare.CreateDnsRecordAsync(zone.Id, new DnsRecordInput("TXT", "@", txt.Text!), default);
        Assert.True(await ms.VerifyDomainAsync(tenant, domain.Domain, default));
        var sku = (await ms.GetSubscribedSkusAsync(tenant, default)).Single().SkuId;
        foreach (var inbox in domain.Inboxes)
        {
            var upn = $"{inbox.LocalPart}@{domain.Domain}";
            await ms.CreateUserAsync(
                tenant,
                new MicrosoftUserInput(upn, "Ada Lovelace", inbox.FirstName, inbox.LastName, "S3cret-pass!", "US"),
                default
            );
            await ms.AssignLicenseAsync(tenant, upn, sku, default);
        }
    }
}
