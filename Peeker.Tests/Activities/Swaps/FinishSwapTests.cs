using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using Peeker.Activities.Swaps;
using Peeker.Tests.Activities.Provisioning;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Swaps;

/// <summary>The data side of a swap's end, on Azurite: the replacement takes the old domain's place, or leaves the order again.</summary>
public sealed class FinishSwapTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const PeekerEnvironment Env = PeekerEnvironment.Test;

    [Fact]
    public async Task RunAsync_Succeeded_ReplacementInTheOldPlace_OldDomainBackInInventory_ClaimReleased()
    {
        var (activity, stores, swap, order) = await ArrangeAsync();

        await activity.RunAsync(new TestActivityContext(nameof(FinishSwap), swap.Id), new FinishSwapInput(Ref(swap), true, null));
        await activity.RunAsync(
            new TestActivityContext(nameof(FinishSwap), swap.Id + ":rerun"),
            new FinishSwapInput(Ref(swap), true, null)
        );

        var after = await stores.Orders.GetByIdAsync(Env, order.Id, default);
        Assert.Equal([order.Domains[0].Domain, swap.ReplacementDomain, order.Domains[2].Domain], after!.Domains.Select(d => d.Domain));
        var old = await stores.Domains.GetAsync(Env, swap.PartnerId, swap.DomainId, default);
        Assert.Equal(("inventory", DomainStatus.Available), (old!.Category, old.Status));
        Assert.Null(await stores.Swaps.ClaimOfAsync(Env, swap.PartnerId, swap.DomainId, default));
        Assert.Null(await stores.Domains.ActiveOrderOfAsync(Env, swap.Domain, default));
    }

    [Fact]
    public async Task RunAsync_Succeeded_ReplacementPriceTakesTheOldDomainsShareOfTheRegistrationLine_Once()
    {
        var (activity, stores, swap, order) = await ArrangeAsync();
        LineItem[] lines = [new("google_license", 6, 3600), new("microsoft_license", 0, 0), new("domain_registration", 3, 3600)];
        await stores.Orders.UpdateAsync(Env, order.Id, o => o with { Costs = new OrderCosts(7200, "usd", lines) }, default);
        await stores.Swaps.UpdateAsync(Env, swap.PartnerId, swap.Id, s => s with { ReplacementPriceCents = 2500 }, default);

        await activity.RunAsync(new TestActivityContext(nameof(FinishSwap), swap.Id), new FinishSwapInput(Ref(swap), true, null));
        await activity.RunAsync(
            new TestActivityContext(nameof(FinishSwap), swap.Id + ":rerun"),
            new FinishSwapInput(Ref(swap), true, null)
        );

        var costs = (await stores.Orders.GetByIdAsync(Env, order.Id, default))!.Costs;
        Assert.Equal(
            [
                new LineItem("google_license", 6, 3600),
                new LineItem("microsoft_license", 0, 0),
                new LineItem("domain_registration", 3, 4900),
            ],
            costs.LineItems
        );
        Assert.Equal((8500, "usd"), (costs.TotalCents, costs.Currency));
    }

    [Fact]
    public async Task RunAsync_FailedAtRegister_ReplacementLeavesTheOrder_OldDomainUntouched()
    {
        var (activity, stores, swap, order) = await ArrangeAsync(replacementConnected: false);

        await activity.RunAsync(new TestActivityContext(nameof(FinishSwap), swap.Id), new FinishSwapInput(Ref(swap), false, "register"));

        var after = await stores.Orders.GetByIdAsync(Env, order.Id, default);
        Assert.Equal(
            order.Domains.Where(d => d.Id != swap.ReplacementDomainId).Select(d => d.Domain),
            after!.Domains.Select(d => d.Domain)
        );
        Assert.Null(await stores.Domains.GetAsync(Env, swap.PartnerId, swap.ReplacementDomainId!, default));
        Assert.Equal(DomainStatus.Active, (await stores.Domains.GetAsync(Env, swap.PartnerId, swap.DomainId, default))!.Status);
        Assert.Null(await stores.Swaps.ClaimOfAsync(Env, swap.PartnerId, swap.DomainId, default));
        Assert.Null(await stores.Domains.ActiveOrderOfAsync(Env, swap.ReplacementDomain!, default));
    }

    private static SwapRef Ref(Swap swap) => new(swap.Id, Env, swap.PartnerId);

    private sealed record Stores(OrderStore Orders, DomainStore Domains, SwapStore Swaps);

    /// <summary>An order of three domains whose middle one is being swapped (a unique name, attached, connected unless told).</summary>
    private async Task<(FinishSwap, Stores, Swap, Order)> ArrangeAsync(bool replacementConnected = true)
    {
        var fresh = $"fresh-{Guid.NewGuid():N}.com";
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var stores = new Stores(new OrderStore(tables), new DomainStore(tables), new SwapStore(tables, TimeProvider.System));
        var partner = Ids.New("org", TimeProvider.System);
        var order = await TestOrders.CreateAsync(
            stores.Orders,
            partner,
            $"a-{Guid.NewGuid():N}.com",
            $"b-{Guid.NewGuid():N}.com",
            $"c-{Guid.NewGuid():N}.com"
        );
        var now = TimeProvider.System.GetUtcNow();
        await stores.Domains.SaveAsync(
            Env,
            partner,
            [
                .. order.Domains.Select(d => new DomainRecord(
                    d.Id,
                    d.Domain,
                    "connected",
                    DomainStatus.Active,
                    "google",
                    "usr_test",
                    order.Id,
                    ["google"],
                    null,
                    now
                )),
            ],
            default
        );
        var old = order.Domains[1];
        var replacementId = Ids.New("dom", TimeProvider.System);
        var entry = new OrderDomain(
            replacementId,
            fresh,
            "google",
            "registered",
            null,
            replacementConnected ? "connected" : "provisioning"
        );
        order = (await stores.Orders.UpdateAsync(Env, order.Id, o => o with { Domains = [.. o.Domains, entry] }, default))!;
        await stores.Domains.SaveAsync(
            Env,
            partner,
            [
                new DomainRecord(
                    replacementId,
                    fresh,
                    "connected",
                    DomainStatus.Provisioning,
                    "google",
                    "usr_test",
                    order.Id,
                    ["google"],
                    null,
                    now
                ),
            ],
            default
        );
        var swap = new Swap(
            Ids.New("swp", now),
            partner,
            SwapType.Standard,
            old.Id,
            old.Domain,
            fresh,
            order.Id,
            "usr_test",
            SwapStatus.InProgress,
            null,
            now,
            now,
            null
        )
        {
            ReplacementDomainId = replacementId,
            ReplacementSource = "registered",
        };
        await stores.Swaps.CreateAsync(Env, swap, default);
        Assert.Null(await stores.Swaps.TryClaimDomainAsync(Env, partner, old.Id, swap.Id, default));
        Assert.Empty(await stores.Domains.TryClaimAsync(Env, order.Id, [old.Domain, fresh], default));
        return (
            new FinishSwap(stores.Swaps, stores.Orders, stores.Domains),
            stores,
            swap,
            (await stores.Orders.GetByIdAsync(Env, order.Id, default))!
        );
    }
}
