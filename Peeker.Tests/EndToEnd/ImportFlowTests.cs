using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// Bring-your-own domains through the real host on Azurite with the simulators: import (nameservers shown, the
/// simulated customer switches them, an nsfail name never does), then order the imported name: it is provisioned
/// without being bought and without touching our registrar.
/// </summary>
public sealed class ImportFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_import_0123456789abcdef0123456789";

    [Fact]
    public async Task ImportThenOrder_ImportedNameIsProvisionedWithoutBuying_NsfailAndSubdomainFail()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Import Agency",
            receiver,
            new Dictionary<string, string> { ["Provisioning__ImportNameserverTimeout"] = "00:00:06" }
        );
        var http = session.Http;

        using var imported = await http.PostAsJsonAsync(
            "/partner/v1/domains/import",
            new { domains = new[] { "own-acme.com", "nsfail-acme.com", "mail.own-acme.com" } }
        );
        var importText = await imported.Content.ReadAsStringAsync();
        Assert.True(imported.StatusCode == HttpStatusCode.OK, importText);
        var import = JsonDocument.Parse(importText).RootElement.GetProperty("data").Clone();
        var importId = import.GetProperty("id").GetString()!;
        var completed = await receiver.WaitForAsync("domain_import.completed", TimeSpan.FromMinutes(2));
        var final = await session.GetDataAsync($"/partner/v1/domains/import/{importId}");
        var lookup = await session.GetDataAsync("/partner/v1/domains/import?domains=own-acme.com,nsfail-acme.com");
        var inventory = await session.GetDataAsync("/partner/v1/domains?category=inventory");

        // The answer already shows the nameserver pair(s) to set, for both root names.
        var grouped = import
            .GetProperty("nameserver_groups")
            .EnumerateArray()
            .SelectMany(g => g.GetProperty("domains").EnumerateArray().Select(d => d.GetString()))
            .ToList();
        Assert.Equal(["nsfail-acme.com", "own-acme.com"], grouped.Order(StringComparer.Ordinal));
        Assert.All(
            import.GetProperty("nameserver_groups").EnumerateArray(),
            g => Assert.Equal(2, g.GetProperty("nameservers").GetArrayLength())
        );
        Assert.Equal("not_root_domain", Row(import, "mail.own-acme.com").GetProperty("reason").GetString());

        // own-acme.com switched; nsfail-acme.com never did (action required first, failed when the wait ran out).
        Assert.Equal("completed", final.GetProperty("status").GetString());
        Assert.Equal("completed", Row(final, "own-acme.com").GetProperty("status").GetString());
        Assert.Equal("nameservers_not_switched", Row(final, "nsfail-acme.com").GetProperty("reason").GetString());
        var types = receiver.Events.Select(e => e.Type).ToList();
        Assert.InRange(types.IndexOf("domain_import.action_required"), 0, types.IndexOf("domain_import.completed") - 1);
        Assert.Equal(importId, completed.Data.GetProperty("id").GetString());
        Assert.All(receiver.Events, e => Assert.True(e.IsSignedWith(session.Secret)));
        Assert.Equal(
            ["failed", "completed"],
            lookup
                .EnumerateArray()
                .OrderBy(r => r.GetProperty("domain").GetString(), StringComparer.Ordinal)
                .Select(r => r.GetProperty("status").GetString())
        );
        Assert.Contains(
            inventory.EnumerateArray(),
            d => d.GetProperty("domain").GetString() == "own-acme.com" && d.GetProperty("status").GetString() == "available"
        );
        Assert.DoesNotContain(inventory.EnumerateArray(), d => d.GetProperty("domain").GetString() == "nsfail-acme.com");

        // Ordering the imported name provisions it without buying it.
        using var order = await http.PostAsJsonAsync(
            "/partner/v1/orders",
            new
            {
                user = "byod@example.com",
                google_licenses = 2,
                microsoft_licenses = 0,
                google_inboxes_per_domain = 2,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 7,
                    login_email = "ops@example.com",
                    login_password = "import-password",
                },
                forwarding_url = "https://acme.com",
                domains = new[] { "own-acme.com" },
                personas = new[]
                {
                    new
                    {
                        first_name = "Ana",
                        last_name = "Ruiz",
                        profile_picture_url = "",
                    },
                },
            }
        );
        var orderText = await order.Content.ReadAsStringAsync();
        Assert.True(order.StatusCode == HttpStatusCode.OK, orderText);
        var orderCompleted = await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));
        var seen = await session.InspectAsync();

        Assert.Equal("completed", orderCompleted.Data.GetProperty("status").GetString());
        Assert.Empty(seen.Rows("registrar.purchase"));
        Assert.Empty(seen.Rows("registrar.domain"));
        Assert.Equal(2, seen.Rows("google.user").Count(u => u.Contains("@own-acme.com", StringComparison.Ordinal)));
        Assert.Equal(
            0,
            JsonDocument
                .Parse(orderCompleted.Data.GetRawText())
                .RootElement.GetProperty("costs")
                .GetProperty("line_items")
                .EnumerateArray()
                .Single(l => l.GetProperty("type").GetString() == "domain_registration")
                .GetProperty("quantity")
                .GetInt32()
        );
    }

    private static JsonElement Row(JsonElement import, string domain) =>
        import.GetProperty("domains").EnumerateArray().Single(r => r.GetProperty("domain").GetString() == domain);
}
