using System.Text.Json;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Swaps;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Swaps;

/// <summary>The swap rows and domain claims on Azurite, shared by domain swaps and user-name swaps.</summary>
public sealed class SwapStoreTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 11, 25, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public async Task CreateManyAsync_RowsOfOnePartner_AllReadBackWithTheirFields()
    {
        var store = await StoreAsync();
        var partner = NewPartner();
        var rows = Enumerable.Range(0, 3).Select(i => Row(partner, SwapType.UserNames) with { Inbox = $"sam{i}@acme-mail.com" }).ToList();

        await store.CreateManyAsync(PeekerEnvironment.Test, rows, default);

        foreach (var row in rows)
        {
            var read = await store.GetAsync(PeekerEnvironment.Test, partner, row.Id, default);
            Assert.NotNull(read);
            Assert.Equal(row.Inbox, read.Inbox);
            Assert.Equal(SwapType.UserNames, read.Type);
            Assert.Equal(SwapStatus.Created, read.Status);
            Assert.Equal(row.DomainId, read.DomainId);
        }
    }

    [Fact]
    public async Task CreateManyAsync_RowsOfTwoPartners_Throws()
    {
        var store = await StoreAsync();

        await Assert.ThrowsAsync<ArgumentException>(() =>
            store.CreateManyAsync(PeekerEnvironment.Test, [Row(NewPartner()), Row(NewPartner())], default)
        );
    }

    [Fact]
    public async Task GetAsync_OtherPartnerOrEnvironment_ReturnsNull()
    {
        var store = await StoreAsync();
        var partner = NewPartner();
        var row = Row(partner) with { Personas = [new Persona("Sam", "Lee", null)], ReplacementSource = "registered" };
        await store.CreateAsync(PeekerEnvironment.Test, row, default);

        Assert.Equal(row.Personas, (await store.GetAsync(PeekerEnvironment.Test, partner, row.Id, default))!.Personas);
        Assert.Null(await store.GetAsync(PeekerEnvironment.Test, NewPartner(), row.Id, default));
        Assert.Null(await store.GetAsync(PeekerEnvironment.Live, partner, row.Id, default));
        Assert.Null(await store.GetAsync(PeekerEnvironment.Test, partner, "swp_bad", default));
    }

    [Fact]
    public async Task ListAsync_FiltersAndPages_InCreationOrder()
    {
        var store = await StoreAsync();
        var partner = NewPartner();
        var rows = Enumerable.Range(0, 5).Select(i => Row(partner) with { OrderId = i % 2 == 0 ? "ord_even" : "ord_odd" }).ToList();
        await store.CreateManyAsync(PeekerEnvironment.Test, rows, default);

        var first = await store.ListAsync(
            PeekerEnvironment.Test,
            partner,
            new SwapFilter(null, "ord_even", null, null),
            new PageRequest(2, null),
            default
        );
        var second = await store.ListAsync(
            PeekerEnvironment.Test,
            partner,
            new SwapFilter(null, "ord_even", null, null),
            new PageRequest(2, first.NextAfter),
            default
        );

        Assert.Equal([rows[0].Id, rows[2].Id], first.Items.Select(s => s.Id));
        Assert.Equal([rows[4].Id], second.Items.Select(s => s.Id));
        Assert.Null(second.NextAfter);
    }

    [Fact]
    public async Task SetStatusAsync_FinishedRow_KeepsItsStatus()
    {
        var store = await StoreAsync();
        var partner = NewPartner();
        var row = Row(partner);
        await store.CreateAsync(PeekerEnvironment.Test, row, default);

        var failed = await store.SetStatusAsync(
            PeekerEnvironment.Test,
            partner,
            row.Id,
            SwapStatus.Failed,
            new SwapReason("dns_failed", "DNS.", "dns"),
            default
        );
        var after = await store.SetStatusAsync(PeekerEnvironment.Test, partner, row.Id, SwapStatus.InProgress, null, default);

        Assert.Equal(SwapStatus.Failed, failed!.Status);
        Assert.NotNull(failed.CompletedAt);
        Assert.Equal(SwapStatus.Failed, after!.Status);
        Assert.Equal("dns_failed", after.Reason!.Code);
    }

    [Fact]
    public async Task PublishEventAsync_SameTypeTwice_OneEventId_StatusFollowsTheEvent_DataIsTheView()
    {
        var store = await StoreAsync();
        var webhooks = new RecordingWebhookPublisher();
        var partner = NewPartner();
        var row = Row(partner);
        await store.CreateAsync(PeekerEnvironment.Test, row, default);
        var swap = new SwapRef(row.Id, PeekerEnvironment.Test, partner);

        var (first, moved) = await store.PublishEventAsync(webhooks, swap, SwapEvents.InProgress, null, default);
        var (again, _) = await store.PublishEventAsync(webhooks, swap, SwapEvents.InProgress, null, default);
        var (done, completed) = await store.PublishEventAsync(webhooks, swap, SwapEvents.Completed, null, default);

        Assert.Equal(first, again);
        Assert.NotEqual(first, done);
        Assert.Equal(SwapStatus.InProgress, moved.Status);
        Assert.Equal(SwapStatus.Completed, completed.Status);
        var data = JsonSerializer.SerializeToElement(webhooks.Published.Last().Data, PeekerJson.Options);
        Assert.Equal(row.Id, data.GetProperty("id").GetString());
        Assert.Equal("completed", data.GetProperty("status").GetString());
        Assert.Equal("acme-fresh.com", data.GetProperty("replacement_domain").GetString());
        Assert.False(data.TryGetProperty("personas", out _));
    }

    [Fact]
    public async Task TryClaimDomainAsync_SecondSwap_GetsTheHolder_UntilReleased()
    {
        var store = await StoreAsync();
        var partner = NewPartner();

        var first = await store.TryClaimDomainAsync(PeekerEnvironment.Test, partner, "dom_a", "swp_1", default);
        var second = await store.TryClaimDomainAsync(PeekerEnvironment.Test, partner, "dom_a", "swp_2", default);
        await store.ReleaseDomainAsync(PeekerEnvironment.Test, partner, "dom_a", "swp_2", default);
        var stillHeld = await store.ClaimOfAsync(PeekerEnvironment.Test, partner, "dom_a", default);
        await store.ReleaseDomainAsync(PeekerEnvironment.Test, partner, "dom_a", "swp_1", default);
        var third = await store.TryClaimDomainAsync(PeekerEnvironment.Test, partner, "dom_a", "swp_3", default);

        Assert.Null(first);
        Assert.Equal("swp_1", second);
        Assert.Equal("swp_1", stillHeld);
        Assert.Null(third);
    }

    private async Task<SwapStore> StoreAsync() => new(await TestTables.CreateAsync(azurite.ConnectionString), _time);

    private static string NewPartner() => Ids.New("org", TimeProvider.System);

    private Swap Row(string partner, string type = SwapType.Standard)
    {
        _time.Advance(TimeSpan.FromMilliseconds(5));
        var now = _time.GetUtcNow();
        return new Swap(
            Ids.New("swp", now),
            partner,
            type,
            "dom_old",
            "acme-mail.com",
            type == SwapType.UserNames ? null : "acme-fresh.com",
            "ord_1",
            "usr_1",
            SwapStatus.Created,
            null,
            now,
            now,
            null
        );
    }
}
