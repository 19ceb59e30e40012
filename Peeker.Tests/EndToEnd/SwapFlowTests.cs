using System.Net;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// A standard domain swap through the real host on Azurite with the simulators: after the seed order completes, the
/// README's swap example replaces team-acme.com with acme-fresh.com; the new domain is bought and provisioned with
/// inboxes named like the old ones, the old one's inboxes and zone go, and the order, <c>GET /domains</c> and the
/// signed <c>swap.*</c> events show the new domain in place of the old one.
/// </summary>
public sealed class SwapFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_swapflow_0123456789abcdef012345678";

    [Fact]
    public async Task StandardSwap_SeedOrder_NewDomainTakesTheOldOnesPlace()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(azurite, AdminKey, "Swap Agency", receiver);
        var orderId = await session.PlaceOrderAsync(SandboxSession.Example("create-order.json"));
        var completed = await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));
        var old = completed
            .Data.GetProperty("domain_details")
            .EnumerateArray()
            .Single(d => d.GetProperty("domain").GetString() == "team-acme.com");
        var oldId = old.GetProperty("id").GetString()!;

        using var created = await session.Http.PostAsync(
            new Uri("/partner/v1/swaps", UriKind.Relative),
            SandboxSession.Example(
                "create-swap.json",
                text => text.Replace("dom_01JDX0SWAPEXAMPLE0000000000", oldId, StringComparison.Ordinal)
            )
        );
        var createdText = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, createdText);
        var swapId = JsonDocument.Parse(createdText).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        var done = await receiver.WaitForAsync("swap.completed", TimeSpan.FromMinutes(3));
        var swap = await session.GetDataAsync($"/partner/v1/swaps/{swapId}");
        var order = await session.GetDataAsync($"/partner/v1/orders/{orderId}");
        var domains = (await session.GetDataAsync("/partner/v1/domains?per_page=100"))
            .EnumerateArray()
            .ToDictionary(
                d => d.GetProperty("domain").GetString()!,
                d => (Category: d.GetProperty("category").GetString(), Status: d.GetProperty("status").GetString())
            );

        Assert.Equal("completed", swap.GetProperty("status").GetString());
        Assert.Equal(swapId, done.Data.GetProperty("id").GetString());
        var details = order.GetProperty("domain_details").EnumerateArray().ToList();
        Assert.Equal(["acme-mail.com", "acme-fresh.com", "shop-acme.com"], details.Select(d => d.GetProperty("domain").GetString()));
        var fresh = details[1];
        Assert.Equal("connected", fresh.GetProperty("status").GetString());
        Assert.Equal("https://acme.com", fresh.GetProperty("forwarding_url").GetString());
        Assert.Equal(LocalParts(old), LocalParts(fresh));
        Assert.Equal(("connected", "active"), domains["acme-fresh.com"]);
        Assert.Equal(("inventory", "available"), domains["team-acme.com"]);
        var swapEvents = receiver.Events.Where(e => e.Type.StartsWith("swap.", StringComparison.Ordinal)).Select(e => e.Type).ToList();
        Assert.Equal(["swap.completed", "swap.created", "swap.in_progress"], swapEvents.Order(StringComparer.Ordinal));
        Assert.All(
            receiver.Events.Where(e => e.Type.StartsWith("swap.", StringComparison.Ordinal)),
            e => Assert.True(e.IsSignedWith(session.Secret), $"{e.Type} is not signed")
        );
        Assert.Contains(receiver.Events, e => e.Type == "domain.connected" && e.Data.GetProperty("domain").GetString() == "acme-fresh.com");
    }

    private static List<string> LocalParts(JsonElement domain) =>
        [.. domain.GetProperty("inboxes").EnumerateArray().Select(i => i.GetString()!.Split('@')[0]).Order(StringComparer.Ordinal)];
}
