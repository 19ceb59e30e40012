using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// The README's seed flow against the real host process on Azurite with the sandbox providers: create a partner, set
/// its webhook, create a bundle, check availability, place an order, receive the webhooks, read the order.
/// </summary>
public sealed class SeedFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_e2e_0123456789abcdef0123456789";

    [Fact]
    public async Task SeedFlow_SandboxOrder_EveryWebhookArrivesSignedAndOrderCompletes()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };

        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Seed Flow Agency");
        var secret = await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var bundle = await http.PostAsync(new Uri("/partner/v1/bundles", UriKind.Relative), Example("create-bundle.json"));
        using var availability = await http.PostAsync(
            new Uri("/partner/v1/domains/availability", UriKind.Relative),
            Example("check-availability.json")
        );
        using var order = await http.PostAsync(new Uri("/partner/v1/orders", UriKind.Relative), Example("create-order.json"));
        var orderBody = await order.Content.ReadAsStringAsync();
        Assert.True(order.StatusCode == HttpStatusCode.OK, orderBody);
        var orderId = JsonDocument.Parse(orderBody).RootElement.GetProperty("data").GetProperty("id").GetString()!;

        var completed = await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));

        // Each event is its own delivery, so they may arrive out of order (spec): wait for all five of the order's.
        await Wait.UntilAsync(
            () => receiver.Events.Count(e => e.Data.ToString().Contains(orderId, StringComparison.Ordinal)) >= 5,
            TimeSpan.FromMinutes(1)
        );
        var events = receiver.Events.Where(e => e.Data.ToString().Contains(orderId, StringComparison.Ordinal)).ToList();
        using var final = await http.GetAsync(new Uri($"/partner/v1/orders/{orderId}", UriKind.Relative));
        var finalOrder = JsonDocument.Parse(await final.Content.ReadAsStringAsync()).RootElement.GetProperty("data");

        Assert.Equal(HttpStatusCode.Created, bundle.StatusCode);
        Assert.Equal(HttpStatusCode.OK, availability.StatusCode);
        Assert.Single(events, e => e.Type == "order.in_progress");
        Assert.Single(events, e => e.Type == "order.completed");
        Assert.Equal(3, events.Count(e => e.Type == "domain.connected"));
        Assert.Equal(
            3,
            events.Where(e => e.Type == "domain.connected").Select(e => e.Data.GetProperty("domain").GetString()).Distinct().Count()
        );
        Assert.All(events, e => Assert.True(e.IsSignedWith(secret), $"{e.Type} is not signed with the endpoint secret"));
        Assert.Equal("completed", finalOrder.GetProperty("status").GetString());
        Assert.Equal("completed", completed.Data.GetProperty("status").GetString());
        Assert.Equal(finalOrder.GetProperty("renews_at").GetString(), completed.Data.GetProperty("renews_at").GetString());
        Assert.Matches(@"^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}Z$", completed.Data.GetProperty("created_at").GetString());
        var details = completed.Data.GetProperty("domain_details").EnumerateArray().ToList();
        Assert.Equal(3, details.Count);
        Assert.All(details, d => Assert.StartsWith("dom_", d.GetProperty("id").GetString(), StringComparison.Ordinal));
        Assert.Equal(
            [("acme-mail.com", 3), ("shop-acme.com", 2), ("team-acme.com", 2)],
            details
                .Select(d => (d.GetProperty("domain").GetString()!, d.GetProperty("inboxes").GetArrayLength()))
                .OrderBy(d => d.Item1, StringComparer.Ordinal)
        );
        Assert.Equal(
            "https://shop.acme.com",
            details.Single(d => d.GetProperty("domain").GetString() == "shop-acme.com").GetProperty("forwarding_url").GetString()
        );
        Assert.DoesNotContain("replace-with-the-smartlead-password", host.Output.ToString(), StringComparison.Ordinal);

        // Ops see the order's progress as the orchestration's custom status (README, Provisioning).
        using var ops = new HttpRequestMessage(HttpMethod.Get, $"/runtime/webhooks/durabletask/instances/{orderId}");
        ops.Headers.Authorization = new AuthenticationHeaderValue("Bearer", EndToEndSettings.ManagementKey);
        using var opsClient = new HttpClient { BaseAddress = host.BaseAddress };
        using var status = await opsClient.SendAsync(ops);
        var custom = JsonDocument.Parse(await status.Content.ReadAsStringAsync()).RootElement.GetProperty("customStatus");
        Assert.Equal("completed", custom.GetProperty("Stage").GetString());
        Assert.Equal(3, custom.GetProperty("DomainsConnected").GetInt32());

        using var log = await http.GetAsync(new Uri($"/partner/v1/events?order_id={orderId}&per_page=100", UriKind.Relative));
        var logged = JsonDocument.Parse(await log.Content.ReadAsStringAsync()).RootElement.GetProperty("data").EnumerateArray().ToList();
        Assert.Equal(
            events.Select(e => e.EventId).Order(StringComparer.Ordinal),
            logged.Select(e => e.GetProperty("id").GetString()!).Order(StringComparer.Ordinal)
        );
    }

    private static StringContent Example(string name) =>
        new(File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", name)), Encoding.UTF8, "application/json");
}

/// <summary>Settings and admin calls shared by the end-to-end tests.</summary>
internal static class EndToEndSettings
{
    /// <summary>The management API's key in every end-to-end host (the partner admin key is refused there).</summary>
    public const string ManagementKey = "mgt_e2e_0123456789abcdef0123456789";

    public static Dictionary<string, string> For(AzuriteFixture azurite, string adminKey) =>
        new()
        {
            ["AzureWebJobsStorage"] = azurite.ConnectionString,
            ["Peeker__AdminKey"] = adminKey,
            ["Peeker__ManagementKey"] = ManagementKey,
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__maxQueuePollingInterval"] = "00:00:00.500",
            ["Logging__LogLevel__Default"] = "Warning",

            // A killed host's dequeued messages come back after the visibility timeout (5 minutes by default).
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout"] = "00:00:15",
            ["AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout"] = "00:00:15",
        };

    public static async Task<(string PartnerId, string TestKey)> CreatePartnerAsync(HttpClient http, string adminKey, string name)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/partners") { Content = JsonContent.Create(new { name }) };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.Created, body);
        var data = JsonDocument.Parse(body).RootElement.GetProperty("data");
        return (data.GetProperty("id").GetString()!, data.GetProperty("api_keys").GetProperty("test").GetString()!);
    }

    public static async Task<string> SetWebhookAsync(HttpClient http, string adminKey, string partnerId, string url)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/admin/v1/partners/{partnerId}/webhook")
        {
            Content = JsonContent.Create(new { environment = "test", url }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", adminKey);
        using var response = await http.SendAsync(request);
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("secret").GetString()!;
    }
}
