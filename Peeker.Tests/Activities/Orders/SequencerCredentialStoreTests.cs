using System.Security.Cryptography;
using Azure.Data.Tables;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Orders;

public sealed class SequencerCredentialStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string OrderId = "ord_01JDCRED0000000000000000AA";

    private async Task<(SequencerCredentialStore Store, PeekerTables Tables)> CreateAsync()
    {
        var tables = new PeekerTables(new TableServiceClient(azurite.ConnectionString));
        await tables.CreateAllAsync(default);
        var options = Options.Create(
            new PeekerOptions { EncryptionKey = Convert.ToBase64String(Enumerable.Range(1, 32).Select(i => (byte)i).ToArray()) }
        );
        return (new SequencerCredentialStore(tables, options), tables);
    }

    [Fact]
    public async Task SaveThenGet_KeepsTheRoutingButNeverTheLogin()
    {
        var (store, tables) = await CreateAsync();
        var credentials = new SequencerCredentials("smartlead", 7, "ops@client.com", "hunter2-very-secret");

        await store.SaveAsync(PeekerEnvironment.Test, OrderId, credentials, default);
        var row = (
            await tables.For(PeekerEnvironment.Test, "SequencerCredentials").GetEntityAsync<TableEntity>(OrderId, "sequencer")
        ).Value;

        Assert.Equal(
            credentials with
            {
                LoginEmail = "",
                LoginPassword = "",
            },
            await store.GetAsync(PeekerEnvironment.Test, OrderId, default)
        );
        Assert.DoesNotContain("hunter2", row.GetString("Sealed"), StringComparison.Ordinal);
        Assert.DoesNotContain("ops@client.com", row.GetString("Sealed"), StringComparison.Ordinal);
        Assert.Null(await store.GetAsync(PeekerEnvironment.Live, OrderId, default));
    }

    [Fact]
    public async Task Get_CiphertextCopiedToAnotherOrder_FailsAuthentication()
    {
        var (store, tables) = await CreateAsync();
        await store.SaveAsync(PeekerEnvironment.Test, OrderId, new SequencerCredentials("smartlead", 7, "a@b.com", "pw"), default);
        var table = tables.For(PeekerEnvironment.Test, "SequencerCredentials");
        var row = (await table.GetEntityAsync<TableEntity>(OrderId, "sequencer")).Value;
        const string other = "ord_01JDCRED0000000000000000BB";
        await table.UpsertEntityAsync(new TableEntity(other, "sequencer") { ["Sealed"] = row.GetString("Sealed") });

        await Assert.ThrowsAnyAsync<CryptographicException>(() => store.GetAsync(PeekerEnvironment.Test, other, default));
    }

    [Fact]
    public async Task Delete_ForgetsTheCredentials()
    {
        var (store, _) = await CreateAsync();
        await store.SaveAsync(PeekerEnvironment.Test, OrderId, new SequencerCredentials("smartlead", 7, "a@b.com", "pw"), default);

        await store.DeleteAsync(PeekerEnvironment.Test, OrderId, default);
        await store.DeleteAsync(PeekerEnvironment.Test, OrderId, default);

        Assert.Null(await store.GetAsync(PeekerEnvironment.Test, OrderId, default));
    }
}
