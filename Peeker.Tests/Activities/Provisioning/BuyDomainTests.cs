using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Domains;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Registrar;
using Peeker.Sandbox.State;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>The purchase activity against the registrar simulator, with its attempt marker on Azurite.</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class BuyDomainTests(SandboxServerFixture sandbox)
{
    [Fact]
    public async Task RunAsync_DurableRetryWhileRegistrarStillProcessesLostCreate_OwnsTheDomain()
    {
        // One confirmation read per attempt: the first attempt gives up while the registrar is still processing.
        await using var providers = sandbox.BuildProviders(
            new Dictionary<string, string?> { ["Providers:Registrar:PurchaseConfirmPolls"] = "1" }
        );
        var scope = SandboxServerFixture.NewPartner();
        var domains = new DomainStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        var activity = new BuyDomain(providers.GetRequiredService<IRegistrarClientFactory>(), domains);
        var input = new BuyDomainInput(
            new OrderRef("ord_" + Guid.NewGuid().ToString("N"), scope.Environment, scope.PartnerId),
            "lostanswer-durable.com",
            false
        );

        var first = await Assert.ThrowsAsync<ProviderException>(() =>
            activity.RunAsync(new TestActivityContext(nameof(BuyDomain), "i1"), input)
        );
        var retried = await activity.RunAsync(new TestActivityContext(nameof(BuyDomain), "i1:retry"), input);

        Assert.True(first.IsRetryable);
        Assert.True(retried.Owned);
        Assert.Equal(1, await sandbox.CountAsync(scope, SandboxKinds.RegistrarPurchase));
    }
}
