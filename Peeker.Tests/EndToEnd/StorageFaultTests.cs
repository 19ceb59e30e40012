using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Shared;
using Peeker.Tests.Support;
using Xunit.Abstractions;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// The storage-fault harness in small (<c>Peeker.Benchmarks -- faults</c> is the full run): the host talks to Azurite
/// through <see cref="StorageProxy"/>, which fails one request in twelve on every service while four mixed
/// Google/Microsoft orders provision — 503 server busy, 500, held-then-failed timeouts, connections dropped before
/// Azurite sees the request and after it has done it. Every order must complete (no instance failed or quarantined
/// for a transient fault), nothing may be bought or created twice, and each event must reach the partner under one id.
/// </summary>
public sealed class StorageFaultTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_faults_0123456789abcdef01234567";

    [Fact]
    public async Task OneStorageRequestInTwelveFails_FourMixedOrdersComplete_NothingTwice()
    {
        StorageFault[] kinds = [.. Enum.GetValues<StorageFault>()];
        var faults = new StorageFaults([1 / 12.0, 1 / 12.0, 1 / 12.0], kinds, seed: 12, TimeSpan.FromSeconds(2)) { Enabled = false };
        await using var proxy = await StorageProxy.StartAsync(azurite.ConnectionString, faults);
        await using var receiver = await WebhookReceiver.StartAsync();
        var settings = EndToEndSettings.For(azurite, AdminKey);
        settings["AzureWebJobsStorage"] = proxy.ConnectionString;
        await using var host = new HostProcess(settings);
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Storage Fault Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        var run = Guid.NewGuid().ToString("N")[..6];
        var orders = new List<(string Id, string[] Domains, int Inboxes)>();
        for (var i = 0; i < 4; i++)
        {
            // Even orders: two Google domains (2 inboxes each); odd: one Google and one Microsoft domain (3 inboxes).
            var microsoft = i % 2;
            string[] domains = [$"faults{run}-{i}-a.com", $"faults{run}-{i}-b.com"];
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
                        client_id = 2800 + i,
                        login_email = $"ops{i}@example.com",
                        login_password = $"faults-{run}-{i}",
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

        // Faults only while the orchestrations provision: the partner's own calls above and the inspection below are
        // the API's business, tested elsewhere.
        faults.Enabled = true;
        try
        {
            foreach (var (id, _, _) in orders)
            {
                await receiver.WaitForAsync(
                    "order.completed",
                    TimeSpan.FromMinutes(4),
                    d => d.Data.ToString().Contains(id, StringComparison.Ordinal)
                );
            }
        }
        catch
        {
            // What the host said about failures is what tells a fault the product mishandled from a slow run.
            var said = host.Output.ToString().Split('\n');
            foreach (
                var line in said.Where(l =>
                        l.Contains("fail", StringComparison.OrdinalIgnoreCase) || l.Contains("warn", StringComparison.OrdinalIgnoreCase)
                    )
                    .TakeLast(60)
            )
            {
                output.WriteLine(line);
            }

            throw;
        }

        using (var all = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (receiver.Events.Count < orders.Sum(o => 2 + o.Domains.Length))
            {
                await Task.Delay(500, all.Token);
            }
        }

        faults.Enabled = false;
        output.WriteLine(
            $"injected: {string.Join(", ", faults.Injected.Select(f => $"{f.Key} {f.Value}"))}; deliveries {receiver.Deliveries.Count}, events {receiver.Events.Count}"
        );
        using var inspectRequest = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/_inspect/{partnerId}");
        inspectRequest.Headers.Authorization = new AuthenticationHeaderValue("Bearer", AdminKey);
        using var inspect = await http.SendAsync(inspectRequest);
        Assert.Equal(HttpStatusCode.OK, inspect.StatusCode);
        var seen = JsonDocument.Parse(await inspect.Content.ReadAsStringAsync()).RootElement;
        var owned = Rows(seen, "registrar.domain");
        var inboxes = Rows(seen, "google.user").Concat(Rows(seen, "microsoft.user")).ToList();
        var accounts = Rows(seen, "smartlead.account");

        // The run was a real fault run: every kind happened.
        Assert.All(kinds, k => Assert.True(faults.Injected[k] > 0, $"no {k} fault was injected"));
        foreach (var (id, domains, expectedInboxes) in orders)
        {
            Assert.All(domains, d => Assert.Equal(1, owned.Count(p => p.Contains($"\"{d}\"", StringComparison.OrdinalIgnoreCase))));
            Assert.Equal(expectedInboxes, inboxes.Count(u => domains.Any(d => u.Contains("@" + d, StringComparison.OrdinalIgnoreCase))));
            Assert.Equal(expectedInboxes, accounts.Count(a => domains.Any(d => a.Contains("@" + d, StringComparison.OrdinalIgnoreCase))));
            Assert.Equal(2 + domains.Length, receiver.Events.Count(e => e.Data.ToString().Contains(id, StringComparison.Ordinal)));

            using var order = await http.GetAsync(new Uri($"/partner/v1/orders/{id}", UriKind.Relative));
            var status = JsonDocument
                .Parse(await order.Content.ReadAsStringAsync())
                .RootElement.GetProperty("data")
                .GetProperty("status")
                .GetString();
            Assert.Equal("completed", status);
        }
    }

    private static List<string> Rows(JsonElement seen, string kind) =>
        seen.TryGetProperty(kind, out var rows) ? [.. rows.EnumerateArray().Select(r => r.ToString())] : [];
}
