using System.Net.Http.Json;
using Peeker.Tests.Support;
using Xunit.Abstractions;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// Scale-out on DTFx: three host processes share one task hub (control-queue partitions leased among them, activity
/// messages taken by whoever is free). One is killed (SIGKILL) while orders provision; its partitions move to the
/// survivors when its leases lapse and its dequeued messages come back after the visibility timeout.
/// </summary>
public sealed class ScaleOutTests(AzuriteFixture azurite, ITestOutputHelper output) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_scale_0123456789abcdef0123456789";

    [Fact]
    public async Task ThreeHostsShareTheHub_OneKilledMidOrder_EveryOrderCompletesOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(azurite, AdminKey, "Scale Out Agency", receiver);
        await using var second = await StartPeerAsync();
        await using var third = await StartPeerAsync();

        var run = Guid.NewGuid().ToString("N")[..6];
        var orders = new List<(string Id, string[] Domains)>();
        for (var i = 0; i < 6; i++)
        {
            string[] domains = [$"scale{run}-{i}-a.com", $"scale{run}-{i}-b.com"];
            var id = await session.PlaceOrderAsync(
                JsonContent.Create(
                    new
                    {
                        user = $"client{i}@example.com",
                        google_licenses = 4,
                        microsoft_licenses = 0,
                        google_inboxes_per_domain = 2,
                        sequencer = new
                        {
                            provider = "smartlead",
                            client_id = 2000 + i,
                            login_email = $"ops{i}@example.com",
                            login_password = $"pw-{run}-{i}",
                        },
                        domains,
                        personas = new[]
                        {
                            new
                            {
                                first_name = "Ana",
                                last_name = "Ruiz",
                                profile_picture_url = (string?)null,
                            },
                        },
                    }
                )
            );
            orders.Add((id, domains));
        }

        await receiver.WaitForAsync("domain.connected", TimeSpan.FromMinutes(2));
        await second.KillAsync();

        foreach (var (id, _) in orders)
        {
            await receiver.WaitForAsync(
                "order.completed",
                TimeSpan.FromMinutes(4),
                d => d.Data.ToString().Contains(id, StringComparison.Ordinal)
            );
        }

        var state = await session.InspectAsync();
        output.WriteLine($"deliveries {receiver.Deliveries.Count}, distinct events {receiver.Events.Count}");
        foreach (var (id, domains) in orders)
        {
            foreach (var domain in domains)
            {
                Assert.Equal(1, state.Rows("registrar.domain").Count(p => p.Contains($"\"{domain}\"", StringComparison.OrdinalIgnoreCase)));
                Assert.Equal(2, state.Rows("google.user").Count(u => u.Contains("@" + domain, StringComparison.OrdinalIgnoreCase)));
                Assert.Equal(2, state.Rows("smartlead.account").Count(a => a.Contains("@" + domain, StringComparison.OrdinalIgnoreCase)));
            }

            Assert.Single(receiver.Events, e => e.Type == "order.completed" && e.Data.ToString().Contains(id, StringComparison.Ordinal));
        }
    }

    private async Task<HostProcess> StartPeerAsync()
    {
        var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        await host.StartAsync();
        return host;
    }
}
