using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Provisioning;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Provisioning;

/// <summary>Inbox password derivation: per order, per environment, under a recorded key id (orders on Azurite).</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class InboxPasswordsTests(SandboxServerFixture sandbox)
{
    private const string Address = "ada@acme-mail.com";
    private static readonly string K1 = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray());
    private static readonly string K2 = Convert.ToBase64String(Enumerable.Range(201, 32).Select(i => (byte)i).ToArray());

    private static InboxPasswords Passwords(OrderStore orders, string currentKeyId, params (string Id, string Key)[] keys) =>
        new(
            Options.Create(
                new ProvisioningOptions
                {
                    InboxPasswordKeyId = currentKeyId,
                    InboxPasswordKeys = keys.ToDictionary(k => k.Id, k => k.Key, StringComparer.OrdinalIgnoreCase),
                }
            ),
            orders
        );

    private async Task<(OrderStore Orders, OrderRef Order)> NewOrderAsync()
    {
        var orders = new OrderStore(await TestTables.CreateAsync(sandbox.StorageConnectionString));
        var order = await TestOrders.CreateAsync(orders, SandboxServerFixture.NewPartner().PartnerId, "acme-mail.com");
        return (orders, new OrderRef(order.Id, PeekerEnvironment.Test, order.PartnerId));
    }

    [Fact]
    public void Derive_KnownKeyOrderAndAddress_MatchesTheTestVector()
    {
        var passwords = Passwords(null!, "k1", ("k1", K1));

        Assert.Equal("jbAJzkgKwA7kjkSmeT3TfSRk#7a", passwords.Derive("k1", PeekerEnvironment.Test, "ord_01JTESTVECTOR", Address));
        Assert.Equal("ZezZ2OaqdL8qCNZwj5N0UPTV#7a", passwords.Derive("k1", PeekerEnvironment.Live, "ord_01JTESTVECTOR", Address));
    }

    [Fact]
    public async Task ForAsync_SameAddressOnAnotherOrder_GivesAnotherPassword()
    {
        var (orders, first) = await NewOrderAsync();
        var (_, second) = await NewOrderAsync();
        var passwords = Passwords(orders, "k1", ("k1", K1));

        var original = await passwords.ForAsync(first, Address, default);
        var reordered = await passwords.ForAsync(second, Address, default);

        Assert.NotEqual(original, reordered);
    }

    [Fact]
    public void Derive_SameOrderAndAddressInTheOtherEnvironment_GivesAnotherPassword()
    {
        var passwords = Passwords(null!, "k1", ("k1", K1));

        var sandboxPassword = passwords.Derive("k1", PeekerEnvironment.Test, "ord_same", Address);
        var livePassword = passwords.Derive("k1", PeekerEnvironment.Live, "ord_same", Address);

        Assert.NotEqual(sandboxPassword, livePassword);
    }

    [Fact]
    public async Task ForAsync_AfterRotationToK2_OrderDerivedUnderK1KeepsItsPassword()
    {
        var (orders, running) = await NewOrderAsync();
        var (_, placedAfter) = await NewOrderAsync();
        var beforeRotation = await Passwords(orders, "k1", ("k1", K1)).ForAsync(running, Address, default);
        var rotated = Passwords(orders, "k2", ("k1", K1), ("k2", K2));

        var again = await rotated.ForAsync(running, Address, default);
        var newOrder = await rotated.ForAsync(placedAfter, Address, default);

        Assert.Equal(beforeRotation, again);
        Assert.Equal(rotated.Derive("k2", PeekerEnvironment.Test, placedAfter.OrderId, Address), newOrder);
        Assert.Equal("k2", (await orders.GetByIdAsync(PeekerEnvironment.Test, placedAfter.OrderId, default))!.InboxPasswordKeyId);
    }

    [Fact]
    public void Derive_RetiredKeyIdNoLongerConfigured_FailsNamingTheSetting()
    {
        var passwords = Passwords(null!, "k2", ("k2", K2));

        var error = Assert.Throws<InvalidOperationException>(() => passwords.Derive("k1", PeekerEnvironment.Test, "ord_x", Address));

        Assert.Contains("Provisioning:InboxPasswordKeys:k1", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(K2, error.Message, StringComparison.Ordinal);
    }
}
