using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;
using Xunit.Abstractions;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// Exactly-once where money is involved: the host process is killed (SIGKILL) twice while ten sandbox orders
/// provision, then restarted over the same storage. Every order must complete, every domain must be bought once,
/// every inbox must exist once at its provider and once in Smartlead, and the partner must see each order.completed
/// once after deduplicating by event id.
/// </summary>
public sealed class CrashRecoveryTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_crash_0123456789abcdef0123456789";

    [Fact]
    public async Task KillHostTwiceDuringTenOrders_EveryOrderCompletesAndNothingIsBoughtTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Crash Test Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var run = Guid.NewGuid().ToString("N")[..6];
        var orders = new List<(string Id, string[] Domains)>();
        for (var i = 0; i < 10; i++)
        {
            string[] domains = [$"crash{run}-{i}-one.com", $"crash{run}-{i}-two.com"];
            using var response = await http.PostAsJsonAsync(
                "/partner/v1/orders",
                new
                {
                    user = $"client{i}@example.com",
                    google_licenses = 4,
                    microsoft_licenses = 0,
                    google_inboxes_per_domain = 2,
                    sequencer = new
                    {
                        provider = "smartlead",
                        client_id = 1000 + i,
                        login_email = $"ops{i}@example.com",
                        login_password = $"secret-{run}-{i}",
                    },
                    forwarding_url = "https://example.com",
                    domains,
                    personas = new[]
                    {
                        new
                        {
                            first_name = "Sam",
                            last_name = "Lee",
                            profile_picture_url = (string?)null,
                        },
                    },
                }
            );
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            orders.Add((JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString()!, domains));
        }

        await receiver.WaitForAsync("domain.connected", TimeSpan.FromMinutes(2));
        await host.KillAsync();
        await host.StartAsync();
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        await host.KillAsync();
        await host.StartAsync();

        foreach (var order in orders)
        {
            await receiver.WaitForAsync(
                "order.completed",
                TimeSpan.FromMinutes(5),
                d => d.Data.ToString().Contains(order.Id, StringComparison.Ordinal)
            );
        }

        // Nothing is lost: every order's four events (in_progress, two domain.connected, completed) arrive, even one whose
        // delivery was cut by a kill (it is redelivered once its activity message becomes visible again).
        using (var all = new CancellationTokenSource(TimeSpan.FromMinutes(3)))
        {
            while (receiver.Events.Count < orders.Count * 4)
            {
                await Task.Delay(500, all.Token);
            }
        }

        using var inspectRequest = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/_inspect/{partnerId}");
        inspectRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var inspect = await http.SendAsync(inspectRequest);
        Assert.Equal(HttpStatusCode.OK, inspect.StatusCode);
        var seen = JsonDocument.Parse(await inspect.Content.ReadAsStringAsync()).RootElement;
        var purchases = Rows(seen, "registrar.purchase");
        var owned = Rows(seen, "registrar.domain");
        var users = Rows(seen, "google.user");
        var accounts = Rows(seen, "smartlead.account");
        var completed = receiver.Events.Where(e => e.Type == "order.completed").ToList();
        output.WriteLine(
            $"deliveries {receiver.Deliveries.Count}, distinct events {receiver.Events.Count}, owned {owned.Count}, purchases {purchases.Count}, users {users.Count}, smartlead {accounts.Count}"
        );

        foreach (var (id, domains) in orders)
        {
            foreach (var domain in domains)
            {
                // The simulator runs inside the killed host too: a kill between its ownership row and its purchase
                // log can drop the log line, never add a second one. Ownership is the registrar's truth.
                Assert.Equal(1, owned.Count(p => p.Contains($"\"{domain}\"", StringComparison.OrdinalIgnoreCase)));
                Assert.InRange(purchases.Count(p => p.Contains(domain, StringComparison.OrdinalIgnoreCase)), 0, 1);
                Assert.Equal(2, users.Count(u => u.Contains("@" + domain, StringComparison.OrdinalIgnoreCase)));
                Assert.Equal(2, accounts.Count(a => a.Contains("@" + domain, StringComparison.OrdinalIgnoreCase)));
            }

            Assert.Single(completed, e => e.Data.ToString().Contains(id, StringComparison.Ordinal));
            Assert.Equal(4, receiver.Events.Count(e => e.Data.ToString().Contains(id, StringComparison.Ordinal)));
        }
    }

    /// <summary>
    /// The chaos harness in small (<c>Peeker.Benchmarks -- chaos</c> is the full run): two hosts on the shipped host.json
    /// settings share the hub while six mixed Google/Microsoft orders provision; each host is SIGKILLed once and
    /// restarted. What the dead hosts held (partition leases, dequeued control and activity messages) must come back
    /// within the 90 s recovery bound — with Durable Functions' 5-minute visibility timeouts it cannot — and nothing
    /// may be done or announced twice.
    /// </summary>
    [Fact]
    public async Task KillEachOfTwoHostsDuringSixMixedOrders_AllCompleteWithin90sOfTheLastKill_NothingTwice()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = EndToEndSettings.For(azurite, AdminKey);

        // The shipped recovery settings (host.json), not the end-to-end tests' shortened visibility timeouts.
        settings.Remove("AzureFunctionsJobHost__extensions__durableTask__storageProvider__controlQueueVisibilityTimeout");
        settings.Remove("AzureFunctionsJobHost__extensions__durableTask__storageProvider__workItemQueueVisibilityTimeout");
        await using var first = new HostProcess(settings);
        await using var second = new HostProcess(settings);
        HostProcess[] hosts = [first, second];
        foreach (var host in hosts)
        {
            host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        }

        await Task.WhenAll(hosts.Select(h => h.StartAsync()));
        using var http = new HttpClient { BaseAddress = first.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Chaos Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var run = Guid.NewGuid().ToString("N")[..6];
        var orders = new List<(string Id, string[] Domains, int Inboxes)>();
        for (var i = 0; i < 6; i++)
        {
            // Even orders: two Google domains (2 inboxes each); odd: one Google and one Microsoft domain (3 inboxes).
            var microsoft = i % 2;
            string[] domains = [$"chaos{run}-{i}-a.com", $"chaos{run}-{i}-b.com"];
            using var response = await http.PostAsJsonAsync(
                "/partner/v1/orders",
                new
                {
                    user = $"client{i}@example.com",
                    google_licenses = (2 - microsoft) * 2,
                    microsoft_licenses = microsoft,
                    google_inboxes_per_domain = 2,
                    sequencer = new
                    {
                        provider = "smartlead",
                        client_id = 2900 + i,
                        login_email = $"ops{i}@example.com",
                        login_password = $"chaos-{run}-{i}",
                    },
                    forwarding_url = "https://example.com",
                    domains,
                    personas = new[]
                    {
                        new
                        {
                            first_name = "Sam",
                            last_name = "Lee",
                            profile_picture_url = (string?)null,
                        },
                    },
                }
            );
            var body = await response.Content.ReadAsStringAsync();
            Assert.True(response.StatusCode == HttpStatusCode.OK, body);
            orders.Add(
                (
                    JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("id").GetString()!,
                    domains,
                    ((2 - microsoft) * 2) + (3 * microsoft)
                )
            );
        }

        await receiver.WaitForAsync("domain.connected", TimeSpan.FromMinutes(2));
        await second.KillAsync();
        await second.StartAsync();
        await first.KillAsync();
        var sinceLastKill = Stopwatch.StartNew();
        await first.StartAsync();

        foreach (var (id, _, _) in orders)
        {
            var left = TimeSpan.FromSeconds(90) - sinceLastKill.Elapsed;
            await receiver.WaitForAsync(
                "order.completed",
                left > TimeSpan.Zero ? left : TimeSpan.Zero,
                d => d.Data.ToString().Contains(id, StringComparison.Ordinal)
            );
        }

        output.WriteLine($"last kill → last order.completed {sinceLastKill.Elapsed.TotalSeconds:F1} s");
        using (var all = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (receiver.Events.Count < orders.Sum(o => 2 + o.Domains.Length))
            {
                await Task.Delay(500, all.Token);
            }
        }

        using var inspectRequest = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/_inspect/{partnerId}");
        inspectRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var inspect = await http.SendAsync(inspectRequest);
        var seen = JsonDocument.Parse(await inspect.Content.ReadAsStringAsync()).RootElement;
        var owned = Rows(seen, "registrar.domain");
        var inboxes = Rows(seen, "google.user").Concat(Rows(seen, "microsoft.user")).ToList();
        var accounts = Rows(seen, "smartlead.account");
        foreach (var (id, domains, expectedInboxes) in orders)
        {
            Assert.All(domains, d => Assert.Equal(1, owned.Count(p => p.Contains($"\"{d}\"", StringComparison.OrdinalIgnoreCase))));
            Assert.Equal(expectedInboxes, inboxes.Count(u => domains.Any(d => u.Contains("@" + d, StringComparison.OrdinalIgnoreCase))));
            Assert.Equal(expectedInboxes, accounts.Count(a => domains.Any(d => a.Contains("@" + d, StringComparison.OrdinalIgnoreCase))));

            // One id per event: in_progress, a domain.connected per domain and completed, each once after deduplication.
            Assert.Equal(2 + domains.Length, receiver.Events.Count(e => e.Data.ToString().Contains(id, StringComparison.Ordinal)));
        }
    }

    private static List<string> Rows(JsonElement seen, string kind) =>
        seen.TryGetProperty(kind, out var rows) ? [.. rows.EnumerateArray().Select(r => r.ToString())] : [];
}
