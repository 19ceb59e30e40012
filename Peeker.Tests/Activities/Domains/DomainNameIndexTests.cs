using Azure.Data.Tables;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Domains;

/// <summary>
/// <see cref="DomainStore.FindByNameAsync"/> reads the name index (<c>Peeker{Env}DomainNames</c>) instead of scanning the
/// partner's partition once <see cref="DomainStore.IndexNamesAsync"/> has indexed the rows written before it.
/// </summary>
public sealed class DomainNameIndexTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const PeekerEnvironment Env = PeekerEnvironment.Live;

    [Fact]
    public async Task FindByName_AfterIndexing_FindsTheIndexedRowsOfTheNameNewestLast_AndNoOtherNameOrPartner()
    {
        var (store, tables) = await StoreAsync();
        await store.IndexNamesAsync(Env, default);
        var partner = Partner();
        await store.SaveAsync(
            Env,
            partner,
            [Row("dom_01JD0000000000000000000001", "shop.com"), Row("dom_01JD0000000000000000000002", "shop.com.au")],
            default
        );
        await store.SaveAsync(Env, partner, [Row("dom_01JD0000000000000000000003", "shop.com")], default);
        await store.SaveAsync(Env, Partner(), [Row("dom_01JD0000000000000000000004", "shop.com")], default);
        // A row the index does not know (written around the store): a lookup through the index does not see it, a scan would.
        await store.SaveAsync(Env, partner, [Row("dom_01JD0000000000000000000005", "shop.com")], default);
        await tables.For(Env, "DomainNames").DeleteEntityAsync(partner, "shop.com|dom_01JD0000000000000000000005", Azure.ETag.All);

        var found = await store.FindByNameAsync(Env, partner, "shop.com", default);

        Assert.Equal(["dom_01JD0000000000000000000001", "dom_01JD0000000000000000000003"], found.Select(r => r.Id));
    }

    [Fact]
    public async Task IndexNames_RowsWrittenBeforeTheIndex_FoundByScanFirstThenByTheIndex()
    {
        var (store, tables) = await StoreAsync();
        // The tables as before the index: no marker (the class's other tests may have indexed this account).
        await tables.For(Env, "DomainNames").DeleteEntityAsync("_index", "names-v1", Azure.ETag.All);
        var partner = Partner();
        var id = "dom_01JD0000000000000000000010";
        await store.SaveAsync(Env, partner, [Row(id, "legacy.com")], default);
        // A row from before the index: its index row never existed.
        await tables.For(Env, "DomainNames").DeleteEntityAsync(partner, "legacy.com|" + id, Azure.ETag.All);
        var beforeIndexing = await store.FindByNameAsync(Env, partner, "legacy.com", default);

        var indexed = await store.IndexNamesAsync(Env, default);
        var again = await store.IndexNamesAsync(Env, default);
        // A fresh store (another host) reads the marker and uses the index.
        var afterIndexing = await new DomainStore(tables).FindByNameAsync(Env, partner, "legacy.com", default);

        Assert.Equal([id], beforeIndexing.Select(r => r.Id));
        Assert.True(indexed >= 1, $"indexed {indexed}");
        Assert.Equal(0, again);
        Assert.Equal([id], afterIndexing.Select(r => r.Id));
        Assert.NotNull(await tables.For(Env, "DomainNames").FindAsync(partner, "legacy.com|" + id, default));
    }

    [Fact]
    public async Task Delete_RemovesTheRowAndItsIndexRow_AnIndexRowWithoutItsDomainRowIsSkipped()
    {
        var (store, tables) = await StoreAsync();
        await store.IndexNamesAsync(Env, default);
        var partner = Partner();
        await store.SaveAsync(
            Env,
            partner,
            [Row("dom_01JD0000000000000000000020", "gone.com"), Row("dom_01JD0000000000000000000021", "half.com")],
            default
        );

        await store.DeleteAsync(Env, partner, ["dom_01JD0000000000000000000020"], default);
        // A delete cut short after its first step leaves the index row behind.
        await tables.For(Env, "Domains").DeleteEntityAsync(partner, "dom_01JD0000000000000000000021", Azure.ETag.All);

        Assert.Empty(await store.FindByNameAsync(Env, partner, "gone.com", default));
        Assert.Null(await tables.For(Env, "DomainNames").FindAsync(partner, "gone.com|dom_01JD0000000000000000000020", default));
        Assert.Empty(await store.FindByNameAsync(Env, partner, "half.com", default));
    }

    private async Task<(DomainStore Store, PeekerTables Tables)> StoreAsync()
    {
        var tables = new PeekerTables(new TableServiceClient(azurite.ConnectionString));
        await tables.CreateAllAsync(default);
        return (new DomainStore(tables), tables);
    }

    private static string Partner() => "org_" + Guid.NewGuid().ToString("N")[..20];

    private static DomainRecord Row(string id, string name) =>
        new(id, name, "inventory", DomainStatus.Available, null, null, null, ["google"], null, DateTimeOffset.UnixEpoch);
}
