using System.Net;
using System.Net.Http.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// Cancellation through the real host on Azurite with the simulators: the seed order completes, one Google domain is
/// cancelled, then the rest of the order; and a cancel sent while the order still provisions.
/// <c>Peeker:SandboxCancellationDelay</c> brings <c>cancels_at</c> forward so the durable timer fires during the test.
/// </summary>
public sealed class CancellationFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_cancel_0123456789abcdef0123456789";

    [Fact]
    public async Task CancelOneDomainThenTheOrder_MailboxesLicencesAndZonesGoAndDomainsReturnToInventory()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Cancel Agency",
            receiver,
            new Dictionary<string, string> { ["Peeker__SandboxCancellationDelay"] = "00:00:03" }
        );
        var orderId = await session.PlaceOrderAsync(SandboxSession.Example("create-order.json"));
        await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));
        var before = await session.InspectAsync();
        var active = await session.GetDataAsync("/partner/v1/domains?category=connected&status=active&per_page=100");

        using var partial = await session.Http.PostAsJsonAsync(
            $"/partner/v1/orders/{orderId}/cancel",
            new { domains = new[] { "shop-acme.com" } }
        );
        var partialBody = System.Text.Json.JsonDocument.Parse(await partial.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var firstCancelled = await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(2));
        var afterPartial = await session.InspectAsync();
        var orderAfterPartial = await session.GetDataAsync($"/partner/v1/orders/{orderId}");

        using var whole = await session.Http.PostAsync(new Uri($"/partner/v1/orders/{orderId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(2), d => d.EventId != firstCancelled.EventId);
        var afterAll = await session.InspectAsync();
        var orderAfterAll = await session.GetDataAsync($"/partner/v1/orders/{orderId}");
        var inventory = await session.GetDataAsync("/partner/v1/domains?category=inventory&status=available&per_page=100");

        // Before: 2 Google domains × 2 inboxes with a subscription each, 1 Microsoft domain × 3 inboxes on 3 licences.
        Assert.Equal(4, before.Count("google.user"));
        Assert.Equal(2, before.Count("google.subscription"));
        Assert.Equal(3, before.Count("microsoft.user"));
        Assert.Equal(3, before.Count("cloudflare.zone"));

        // One Google domain: its mailboxes, subscription and zone go; the rest of the order stays live.
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.True(
            DateTimeOffset.Parse(partialBody.GetProperty("cancels_at").GetString()!, CultureInfo.InvariantCulture)
                < DateTimeOffset.UtcNow.AddMinutes(1)
        );
        Assert.DoesNotContain(afterPartial.Rows("google.user"), u => u.Contains("@shop-acme.com", StringComparison.Ordinal));
        Assert.Equal(2, afterPartial.Count("google.user"));
        Assert.Equal(1, afterPartial.Count("google.subscription"));
        Assert.Equal(3, afterPartial.Count("microsoft.user"));
        Assert.DoesNotContain(afterPartial.Rows("cloudflare.zone"), z => z.Contains("shop-acme.com", StringComparison.Ordinal));
        Assert.Equal("completed", orderAfterPartial.GetProperty("status").GetString());
        Assert.Equal("cancelled", DomainStatus(orderAfterPartial, "shop-acme.com"));
        Assert.Equal("connected", DomainStatus(orderAfterPartial, "team-acme.com"));

        // The whole order: nothing left at the providers; the Microsoft subscription is suspended; domains are back in inventory.
        Assert.Equal(0, afterAll.Count("google.user"));
        Assert.Equal(0, afterAll.Count("google.subscription"));
        Assert.Equal(0, afterAll.Count("microsoft.user"));
        Assert.Equal(0, afterAll.Count("microsoft.domain"));
        Assert.Equal(0, afterAll.Count("cloudflare.zone"));
        var licence = System.Text.Json.JsonDocument.Parse(Assert.Single(afterAll.Rows("microsoft.license"))).RootElement;
        Assert.Equal(("suspended", 0), (licence.GetProperty("status").GetString(), licence.GetProperty("consumed").GetInt32()));
        Assert.Equal("cancelled", orderAfterAll.GetProperty("status").GetString());
        Assert.All(
            orderAfterAll.GetProperty("domain_details").EnumerateArray(),
            d => Assert.Equal("cancelled", d.GetProperty("status").GetString())
        );
        Assert.Equal(
            ["acme-mail.com", "shop-acme.com", "team-acme.com"],
            active.EnumerateArray().Select(d => d.GetProperty("domain").GetString()).Order()
        );
        var owned = inventory
            .EnumerateArray()
            .Where(d => d.GetProperty("domain").GetString() is "acme-mail.com" or "team-acme.com" or "shop-acme.com")
            .ToList();
        Assert.Equal(3, owned.Count);
        Assert.All(owned, d => Assert.Equal("available", d.GetProperty("status").GetString()));
        Assert.Equal(2, receiver.Events.Count(e => e.Type == "order.cancel_scheduled"));
    }

    [Fact]
    public async Task CancelWhileProvisioning_UndoWaitsForProvisioningToEnd_NothingIsLeftBehind()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Hasty Agency",
            receiver,
            new Dictionary<string, string> { ["Peeker__SandboxCancellationDelay"] = "00:00:00.200" }
        );

        // The flaky domain makes the registrar answer 503 first, so provisioning is still running when cancels_at comes.
        var orderId = await session.PlaceOrderAsync(
            SandboxSession.Example("create-order.json", t => t.Replace("team-acme.com", "flaky-acme.com", StringComparison.Ordinal))
        );
        using var cancel = await session.Http.PostAsync(new Uri($"/partner/v1/orders/{orderId}/cancel", UriKind.Relative), null);
        await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(3));
        await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(1));
        var after = await session.InspectAsync();
        var final = await session.GetDataAsync($"/partner/v1/orders/{orderId}");
        var types = receiver.Events.Select(e => e.Type).ToList();

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.InRange(types.IndexOf("order.completed"), 0, types.IndexOf("order.cancelled") - 1);
        Assert.Equal("cancel_scheduled", receiver.Events.Single(e => e.Type == "order.completed").Data.GetProperty("status").GetString());
        Assert.Equal(0, after.Count("google.user"));
        Assert.Equal(0, after.Count("google.subscription"));
        Assert.Equal(0, after.Count("microsoft.user"));
        Assert.Equal(0, after.Count("cloudflare.zone"));
        Assert.Equal("cancelled", final.GetProperty("status").GetString());
    }

    private static string? DomainStatus(System.Text.Json.JsonElement order, string domain) =>
        order
            .GetProperty("domain_details")
            .EnumerateArray()
            .Single(d => d.GetProperty("domain").GetString() == domain)
            .GetProperty("status")
            .GetString();
}
