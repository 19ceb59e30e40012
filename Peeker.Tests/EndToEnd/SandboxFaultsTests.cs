using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// The sandbox fault words through a whole order, as a partner rehearses them: <c>flaky</c> (registrar 503s),
/// <c>ratelimited</c> (Cloudflare 429 with Retry-After) and <c>badpic</c> (Google rejects the photo) still complete,
/// the last with pending actions; <c>nsfail</c> (zone never activates) fails the order at <c>zone_active</c>.
/// </summary>
public sealed class SandboxFaultsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_faults_0123456789abcdef0123456789";

    [Fact]
    public async Task FaultWords_TransientFaultsRecover_BadPictureOpensActions_NsfailFailsAtZoneActive()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Faults Agency",
            receiver,
            new Dictionary<string, string> { ["Provisioning__PropagationTimeout"] = "00:00:08" }
        );
        var http = session.Http;
        var run = Guid.NewGuid().ToString("N")[..6];

        var recovering = await PlaceAsync(http, [$"flaky{run}.com", $"ratelimited{run}.com", $"badpic{run}.com"]);
        var stuck = await PlaceAsync(http, [$"nsfail{run}.com"]);
        await receiver.WaitForAsync(
            "order.completed",
            TimeSpan.FromMinutes(3),
            d => d.Data.ToString().Contains(recovering, StringComparison.Ordinal)
        );
        var failed = await receiver.WaitForAsync(
            "order.failed",
            TimeSpan.FromMinutes(3),
            d => d.Data.ToString().Contains(stuck, StringComparison.Ordinal)
        );
        var actions = (await session.GetDataAsync($"/partner/v1/orders/pending?order_id={recovering}&status=open"))
            .EnumerateArray()
            .ToList();
        var purchases = (await session.InspectAsync()).Rows("registrar.purchase");

        Assert.Equal("zone_active", failed.Data.GetProperty("failure").GetProperty("step").GetString());
        Assert.Equal("dns_not_active", failed.Data.GetProperty("failure").GetProperty("code").GetString());
        Assert.Equal($"nsfail{run}.com", failed.Data.GetProperty("failure").GetProperty("domain").GetString());
        Assert.NotEmpty(actions);
        Assert.All(actions, a => Assert.Equal("profile_picture_not_accessible", a.GetProperty("reason").GetString()));
        Assert.Contains(
            receiver.Events,
            e => e.Type == "order.action_required" && e.Data.ToString().Contains(recovering, StringComparison.Ordinal)
        );
        Assert.Single(purchases, p => p.Contains($"flaky{run}.com", StringComparison.Ordinal));
    }

    private static async Task<string> PlaceAsync(HttpClient http, string[] domains)
    {
        using var response = await http.PostAsJsonAsync(
            "/partner/v1/orders",
            new
            {
                user = $"{domains[0]}@example.com".Replace(".com@", "@", StringComparison.Ordinal),
                google_licenses = domains.Length * 2,
                microsoft_licenses = 0,
                google_inboxes_per_domain = 2,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 7,
                    login_email = "ops@example.com",
                    login_password = "faults-password",
                },
                forwarding_url = "https://example.com",
                domains,
                personas = new[]
                {
                    new
                    {
                        first_name = "Ana",
                        last_name = "Ruiz",
                        profile_picture_url = "https://pics.example.com/ana.png",
                    },
                },
            }
        );
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }
}
