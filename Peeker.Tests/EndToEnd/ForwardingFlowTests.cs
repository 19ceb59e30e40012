using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// Forwarding jobs through the real host on Azurite with the simulators: after the seed order completes, one job moves
/// two live domains to a new target (redirect rules, domains and order updated, signed events), one names an
/// unreachable target and one a malformed one; the last two change nothing.
/// </summary>
public sealed class ForwardingFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_forward_0123456789abcdef0123456789";

    [Fact]
    public async Task ForwardingJobs_LiveDomainsMove_BadTargetsFailEveryDomainWithTheirReason()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(azurite, AdminKey, "Forwarding Agency", receiver);
        var http = session.Http;
        var orderId = await session.PlaceOrderAsync(SandboxSession.Example("create-order.json"));
        var completed = await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));
        var acmeMailId = completed
            .Data.GetProperty("domain_details")
            .EnumerateArray()
            .Single(d => d.GetProperty("domain").GetString() == "acme-mail.com")
            .GetProperty("id")
            .GetString()!;

        var moved = await RunJobAsync(
            http,
            new { domains = new[] { acmeMailId, "team-acme.com" }, forwarding_url = "https://new.acme.com/hello" }
        );
        var unreachable = await RunJobAsync(
            http,
            new { domains = new[] { "shop-acme.com" }, forwarding_url = "https://unreachable.acme.com/" }
        );
        var malformed = await RunJobAsync(
            http,
            new { domains = new[] { "shop-acme.com", "team-acme.com" }, forwarding_url = "ftp://files.acme.com" }
        );
        var loop = await RunJobAsync(http, new { domains = new[] { "shop-acme.com" }, forwarding_url = "https://www.shop-acme.com/" });
        await WaitForEventsAsync(receiver, 6);
        var rulesets = (await session.InspectAsync()).Rows("cloudflare.ruleset");
        var domains = (await session.GetDataAsync("/partner/v1/domains?per_page=100"))
            .EnumerateArray()
            .ToDictionary(
                d => d.GetProperty("domain").GetString()!,
                d => d.TryGetProperty("forwarding_url", out var u) ? u.GetString() : null
            );
        var details = (await session.GetDataAsync($"/partner/v1/orders/{orderId}"))
            .GetProperty("domain_details")
            .EnumerateArray()
            .ToDictionary(d => d.GetProperty("domain").GetString()!, d => d.GetProperty("forwarding_url").GetString());
        var events = receiver.Events.Where(e => e.Type.StartsWith("domain.forwarding_", StringComparison.Ordinal)).ToList();

        Assert.Equal(("completed", 2, 0), Summary(moved));
        Assert.Equal(
            ["acme-mail.com", "team-acme.com"],
            moved.GetProperty("completed").EnumerateArray().Select(d => d.GetString()!).Order(StringComparer.Ordinal)
        );
        Assert.True(moved.TryGetProperty("completed_at", out _));
        Assert.Equal(("failed", 0, 1), Summary(unreachable));
        Assert.Equal("target_unreachable", unreachable.GetProperty("failed")[0].GetProperty("reason").GetString());
        Assert.Equal(("failed", 0, 2), Summary(malformed));
        Assert.All(
            malformed.GetProperty("failed").EnumerateArray(),
            f => Assert.Equal("invalid_target", f.GetProperty("reason").GetString())
        );
        Assert.Equal("invalid_target", loop.GetProperty("failed")[0].GetProperty("reason").GetString());

        Assert.Equal(2, rulesets.Count(r => r.Contains("https://new.acme.com/hello", StringComparison.Ordinal)));
        Assert.Single(rulesets, r => r.Contains("https://shop.acme.com", StringComparison.Ordinal));
        Assert.Equal("https://new.acme.com/hello", domains["acme-mail.com"]);
        Assert.Equal("https://new.acme.com/hello", domains["team-acme.com"]);
        Assert.Equal("https://shop.acme.com", domains["shop-acme.com"]);
        Assert.Equal("https://new.acme.com/hello", details["team-acme.com"]);
        Assert.Equal("https://shop.acme.com", details["shop-acme.com"]);

        Assert.Equal(2, events.Count(e => e.Type == "domain.forwarding_updated"));
        Assert.Equal(4, events.Count(e => e.Type == "domain.forwarding_failed"));
        Assert.All(events, e => Assert.True(e.IsSignedWith(session.Secret), $"{e.Type} is not signed with the endpoint secret"));
        var updated = events.First(e => e.Type == "domain.forwarding_updated").Data;
        Assert.Equal(moved.GetProperty("id").GetString(), updated.GetProperty("job_id").GetString());
        Assert.Equal("https://new.acme.com/hello", updated.GetProperty("forwarding_url").GetString());
    }

    private static (string?, int, int) Summary(JsonElement job) =>
        (job.GetProperty("status").GetString(), job.GetProperty("completed_count").GetInt32(), job.GetProperty("failed_count").GetInt32());

    /// <summary>Posts a job, checks the 202, and polls it until it leaves <c>in_progress</c>.</summary>
    private static async Task<JsonElement> RunJobAsync(HttpClient http, object body)
    {
        using var created = await http.PostAsJsonAsync("/partner/v1/domains/forwarding", body);
        var text = await created.Content.ReadAsStringAsync();
        Assert.True(created.StatusCode == HttpStatusCode.Accepted, text);
        var id = JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        var deadline = DateTime.UtcNow.AddMinutes(2);
        while (true)
        {
            using var response = await http.GetAsync(new Uri($"/partner/v1/domains/forwarding/{id}", UriKind.Relative));
            var job = JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.GetProperty("data").Clone();
            if (job.GetProperty("status").GetString() != "in_progress")
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"forwarding job {id} still in progress");
            await Task.Delay(200);
        }
    }

    private static async Task WaitForEventsAsync(WebhookReceiver receiver, int count)
    {
        var deadline = DateTime.UtcNow.AddMinutes(1);
        while (
            receiver.Events.Count(e => e.Type.StartsWith("domain.forwarding_", StringComparison.Ordinal)) < count
            && DateTime.UtcNow < deadline
        )
        {
            await Task.Delay(100);
        }
    }
}
