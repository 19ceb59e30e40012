using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// User-name swaps through the real host on Azurite with the simulators: after the seed order completes, the README's
/// <c>POST /swaps/user_names</c> example renames a domain's inboxes at the mail provider and at Smartlead, with signed
/// <c>swap.*</c> events and completed rows; and a cancellation after a rename deletes the renamed mailboxes.
/// </summary>
public sealed class UserNameSwapFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_usernames_0123456789abcdef0123456";

    [Fact]
    public async Task UserNameSwap_SeedOrderGoogleDomain_InboxesRenamedAtGoogleAndSmartlead_RowsCompleted()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(azurite, AdminKey, "Rename Agency", receiver);
        var orderId = await session.PlaceOrderAsync(SandboxSession.Example("create-order.json"));
        var domain = Domain(await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3)), "google");
        var oldInboxes = Inboxes(domain);

        var rows = await RenameAsync(session, domain.GetProperty("id").GetString()!);
        await Wait.UntilAsync(() => receiver.Events.Count(e => e.Type == "swap.completed") == rows.Count, TimeSpan.FromMinutes(3));
        var order = await session.GetDataAsync($"/partner/v1/orders/{orderId}");
        var newInboxes = Inboxes(Domain(order, domain.GetProperty("domain").GetString()!));
        var swaps = await session.GetDataAsync($"/partner/v1/swaps?domain_id={domain.GetProperty("id").GetString()}");
        var state = await session.InspectAsync();

        Assert.Equal(oldInboxes.Count, rows.Count);
        Assert.All(newInboxes, a => Assert.StartsWith("alex", a, StringComparison.Ordinal));
        Assert.Empty(newInboxes.Intersect(oldInboxes));
        Assert.All(newInboxes, a => Assert.Contains(state.Rows("google.user"), u => u.Contains(a, StringComparison.OrdinalIgnoreCase)));
        Assert.All(
            newInboxes,
            a => Assert.Contains(state.Rows("smartlead.account"), s => s.Contains(a, StringComparison.OrdinalIgnoreCase))
        );
        Assert.All(
            oldInboxes,
            a => Assert.DoesNotContain(state.Rows("smartlead.account"), s => s.Contains($"\"{a}\"", StringComparison.OrdinalIgnoreCase))
        );
        Assert.Equal(rows.Count, swaps.GetArrayLength());
        Assert.All(swaps.EnumerateArray(), s => Assert.Equal("completed", s.GetProperty("status").GetString()));
        var swapEvents = receiver.Events.Where(e => e.Type.StartsWith("swap.", StringComparison.Ordinal)).ToList();
        Assert.Equal(3 * rows.Count, swapEvents.Count);
        Assert.All(swapEvents, e => Assert.True(e.IsSignedWith(session.Secret), $"{e.Type} is not signed"));
        Assert.All(rows, id => Assert.Equal(["swap.completed", "swap.created", "swap.in_progress"], TypesOf(swapEvents, id)));
    }

    [Fact]
    public async Task CancelAfterRename_MicrosoftDomain_RenamedUsersAreDeletedAtTheSimulator()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Rename Cancel Agency",
            receiver,
            new Dictionary<string, string> { ["Peeker__SandboxCancellationDelay"] = "00:00:02" }
        );
        // Names of its own: the other test's order holds the example's names in this Azurite.
        var orderId = await session.PlaceOrderAsync(
            SandboxSession.Example(
                "create-order.json",
                t =>
                    t.Replace("acme-mail.com", "rc-mail.com", StringComparison.Ordinal)
                        .Replace("team-acme.com", "rc-team.com", StringComparison.Ordinal)
                        .Replace("shop-acme.com", "rc-shop.com", StringComparison.Ordinal)
            )
        );
        var domain = Domain(await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3)), "microsoft");
        var rows = await RenameAsync(session, domain.GetProperty("id").GetString()!);
        await Wait.UntilAsync(() => receiver.Events.Count(e => e.Type == "swap.completed") == rows.Count, TimeSpan.FromMinutes(3));
        var renamed = await session.InspectAsync();

        using var cancel = await session.Http.PostAsJsonAsync(
            $"/partner/v1/orders/{orderId}/cancel",
            new { domains = new[] { domain.GetProperty("id").GetString() } }
        );
        await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(3));
        var after = await session.InspectAsync();

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.Equal(rows.Count, renamed.Rows("microsoft.user").Count(u => u.Contains("alex", StringComparison.OrdinalIgnoreCase)));
        Assert.Equal(0, after.Count("microsoft.user"));
        Assert.Equal(0, after.Count("microsoft.domain"));
        Assert.Equal(
            "cancelled",
            Domain(await session.GetDataAsync($"/partner/v1/orders/{orderId}"), domain.GetProperty("domain").GetString()!)
                .GetProperty("status")
                .GetString()
        );
    }

    /// <summary>Posts the README's rename example for <paramref name="domainId"/>; returns the row ids.</summary>
    private static async Task<List<string>> RenameAsync(SandboxSession session, string domainId)
    {
        using var created = await session.Http.PostAsync(
            new Uri("/partner/v1/swaps/user_names", UriKind.Relative),
            SandboxSession.Example(
                "rename-inboxes.json",
                text =>
                    text.Replace("dom_01JEXAMPLE0000000000000000", domainId, StringComparison.Ordinal)
                        .Replace("Sam\", \"last_name\": \"Lee\"", "Alex\", \"last_name\": \"Stone\"", StringComparison.Ordinal)
            )
        );
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Created, text);
        return
        [
            .. JsonDocument
                .Parse(text)
                .RootElement.GetProperty("data")
                .GetProperty("swaps")
                .EnumerateArray()
                .Select(r => r.GetProperty("id").GetString()!),
        ];
    }

    private static JsonElement Domain(WebhookReceiver.Delivery completed, string provider) =>
        completed.Data.GetProperty("domain_details").EnumerateArray().First(d => d.GetProperty("provider").GetString() == provider).Clone();

    private static JsonElement Domain(JsonElement order, string name) =>
        order.GetProperty("domain_details").EnumerateArray().Single(d => d.GetProperty("domain").GetString() == name);

    private static List<string> Inboxes(JsonElement domain) =>
        [.. domain.GetProperty("inboxes").EnumerateArray().Select(i => i.GetString()!)];

    private static List<string> TypesOf(IEnumerable<WebhookReceiver.Delivery> events, string swapId) =>
        [.. events.Where(e => e.Data.GetProperty("id").GetString() == swapId).Select(e => e.Type).Order(StringComparer.Ordinal)];
}
