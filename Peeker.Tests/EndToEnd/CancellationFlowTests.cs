using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// Cancellation through the real host on Azurite with the simulators: the seed order completes, one Google domain is
/// cancelled, then the rest of the order. <c>Peeker:SandboxCancellationDelay</c> brings <c>cancels_at</c> a few seconds
/// forward so the durable timer fires during the test.
/// </summary>
public sealed class CancellationFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_cancel_0123456789abcdef0123456789";

    [Fact]
    public async Task CancelOneDomainThenTheOrder_MailboxesLicencesAndZonesGoAndDomainsReturnToInventory()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        host.Environment["Peeker__SandboxCancellationDelay"] = "00:00:03";
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Cancel Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        using var order = await http.PostAsync(new Uri("/partner/v1/orders", UriKind.Relative), Example("create-order.json"));
        var orderId = JsonDocument.Parse(await order.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));
        var before = await InspectAsync(http, partnerId);

        using var partial = await http.PostAsJsonAsync($"/partner/v1/orders/{orderId}/cancel", new { domains = new[] { "shop-acme.com" } });
        var partialBody = JsonDocument.Parse(await partial.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var firstCancelled = await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(2));
        var afterPartial = await InspectAsync(http, partnerId);
        var orderAfterPartial = await GetDataAsync(http, $"/partner/v1/orders/{orderId}");

        using var whole = await http.PostAsync(new Uri($"/partner/v1/orders/{orderId}/cancel", UriKind.Relative), null);
        Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
        await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(2), d => d.EventId != firstCancelled.EventId);
        var afterAll = await InspectAsync(http, partnerId);
        var orderAfterAll = await GetDataAsync(http, $"/partner/v1/orders/{orderId}");
        var inventory = await GetDataAsync(http, "/partner/v1/domains?per_page=100");

        // Before: 2 Google domains × 2 inboxes with a subscription each, 1 Microsoft domain × 3 inboxes on 3 licences.
        Assert.Equal(4, Count(before, "google.user"));
        Assert.Equal(2, Count(before, "google.subscription"));
        Assert.Equal(3, Count(before, "microsoft.user"));
        Assert.Equal(3, Count(before, "cloudflare.zone"));

        // One Google domain: its mailboxes, subscription and zone go; the rest of the order stays live.
        Assert.Equal(HttpStatusCode.OK, partial.StatusCode);
        Assert.True(DateTimeOffset.Parse(partialBody.GetProperty("cancels_at").GetString()!, System.Globalization.CultureInfo.InvariantCulture) < DateTimeOffset.UtcNow.AddMinutes(1));
        Assert.DoesNotContain(Rows(afterPartial, "google.user"), u => u.Contains("@shop-acme.com", StringComparison.Ordinal));
        Assert.Equal(2, Count(afterPartial, "google.user"));
        Assert.Equal(1, Count(afterPartial, "google.subscription"));
        Assert.Equal(3, Count(afterPartial, "microsoft.user"));
        Assert.DoesNotContain(Rows(afterPartial, "cloudflare.zone"), z => z.Contains("shop-acme.com", StringComparison.Ordinal));
        Assert.Equal("completed", orderAfterPartial.GetProperty("status").GetString());
        Assert.Equal("cancelled", DomainStatus(orderAfterPartial, "shop-acme.com"));
        Assert.Equal("connected", DomainStatus(orderAfterPartial, "team-acme.com"));

        // The whole order: nothing left at the providers; the Microsoft subscription is suspended; domains are back in inventory.
        Assert.Equal(0, Count(afterAll, "google.user"));
        Assert.Equal(0, Count(afterAll, "google.subscription"));
        Assert.Equal(0, Count(afterAll, "microsoft.user"));
        Assert.Equal(0, Count(afterAll, "microsoft.domain"));
        Assert.Equal(0, Count(afterAll, "cloudflare.zone"));
        var licence = JsonDocument.Parse(Assert.Single(Rows(afterAll, "microsoft.license"))).RootElement;
        Assert.Equal(("suspended", 0), (licence.GetProperty("status").GetString(), licence.GetProperty("consumed").GetInt32()));
        Assert.Equal("cancelled", orderAfterAll.GetProperty("status").GetString());
        Assert.All(orderAfterAll.GetProperty("domain_details").EnumerateArray(), d => Assert.Equal("cancelled", d.GetProperty("status").GetString()));
        var owned = inventory.EnumerateArray().Where(d => d.GetProperty("domain").GetString() is "acme-mail.com" or "team-acme.com" or "shop-acme.com").ToList();
        Assert.Equal(3, owned.Count);
        Assert.All(owned, d => Assert.Equal("ready", d.GetProperty("status").GetString()));
        Assert.Equal(2, receiver.Events.Count(e => e.Type == "order.cancel_scheduled"));
    }

    [Fact]
    public async Task CancelWhileProvisioning_UndoWaitsForProvisioningToEnd_NothingIsLeftBehind()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        host.Environment["Peeker__SandboxCancellationDelay"] = "00:00:00.200";
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Hasty Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        // The flaky domain makes the registrar answer 503 first, so provisioning is still running when cancels_at comes.
        var body = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", "create-order.json")).Replace("team-acme.com", "flaky-acme.com", StringComparison.Ordinal);
        using var order = await http.PostAsync(new Uri("/partner/v1/orders", UriKind.Relative), new StringContent(body, Encoding.UTF8, "application/json"));
        var orderId = JsonDocument.Parse(await order.Content.ReadAsStringAsync()).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        using var cancel = await http.PostAsync(new Uri($"/partner/v1/orders/{orderId}/cancel", UriKind.Relative), null);
        await receiver.WaitForAsync("order.cancelled", TimeSpan.FromMinutes(3));
        await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(1));
        var after = await InspectAsync(http, partnerId);
        var final = await GetDataAsync(http, $"/partner/v1/orders/{orderId}");
        var types = receiver.Events.Select(e => e.Type).ToList();

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        Assert.InRange(types.IndexOf("order.completed"), 0, types.IndexOf("order.cancelled") - 1);
        Assert.Equal("cancel_scheduled", receiver.Events.Single(e => e.Type == "order.completed").Data.GetProperty("status").GetString());
        Assert.Equal(0, Count(after, "google.user"));
        Assert.Equal(0, Count(after, "google.subscription"));
        Assert.Equal(0, Count(after, "microsoft.user"));
        Assert.Equal(0, Count(after, "cloudflare.zone"));
        Assert.Equal("cancelled", final.GetProperty("status").GetString());
    }

    private static async Task<JsonElement> InspectAsync(HttpClient http, string partnerId)
    {
        using var response = await http.GetAsync(new Uri($"/sandbox/_inspect/{partnerId}", UriKind.Relative));
        return JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone();
    }

    private static async Task<JsonElement> GetDataAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    private static string? DomainStatus(JsonElement order, string domain) =>
        order.GetProperty("domain_details").EnumerateArray().Single(d => d.GetProperty("domain").GetString() == domain).GetProperty("status").GetString();

    private static List<string> Rows(JsonElement seen, string kind) =>
        seen.TryGetProperty(kind, out var rows) ? [.. rows.EnumerateArray().Select(r => r.ToString())] : [];

    private static int Count(JsonElement seen, string kind) => Rows(seen, kind).Count;

    private static StringContent Example(string name) =>
        new(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", name)), Encoding.UTF8, "application/json");
}
