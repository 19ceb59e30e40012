using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// <c>Peeker:Roles</c> splits the fleet: a host with only <c>api</c> takes orders and starts their orchestrations but
/// runs none of them; a host with only <c>worker</c> runs them and serves no Partner API. Two host processes on one task hub.
/// </summary>
public sealed class HostRolesTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_roles_0123456789abcdef0123456789";

    [Fact]
    public async Task ApiHostAndWorkerHost_OrderPlacedOnTheApiHost_TheWorkerHostAloneProvisionsIt()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var api = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Roles Agency",
            receiver,
            new Dictionary<string, string> { ["Peeker__Roles"] = "api" }
        );
        var apiHealth = await WaitForHubStateAsync(api.Http, "ClientOnly");
        Assert.Equal(["api"], apiHealth.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));

        var run = Guid.NewGuid().ToString("N")[..6];
        var id = await api.PlaceOrderAsync(
            JsonContent.Create(
                new
                {
                    user = "roles@example.com",
                    google_licenses = 2,
                    microsoft_licenses = 0,
                    google_inboxes_per_domain = 2,
                    sequencer = new
                    {
                        provider = "smartlead",
                        client_id = 2100,
                        login_email = "ops@example.com",
                        login_password = $"pw-{run}",
                    },
                    domains = new[] { $"roles{run}.com" },
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

        await using var worker = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        worker.Environment["Providers__Sandbox__BaseUrl"] = $"{worker.BaseAddress}sandbox";
        worker.Environment["Peeker__Roles"] = "worker";
        await worker.StartAsync();
        using var workerHttp = new HttpClient { BaseAddress = worker.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var workerHealth = await WaitForHubStateAsync(workerHttp, "Running");
        Assert.Equal(["worker"], workerHealth.GetProperty("roles").EnumerateArray().Select(r => r.GetString()));
        using var partnerOnWorker = new HttpRequestMessage(HttpMethod.Get, "/partner/v1/orders/" + id);
        partnerOnWorker.Headers.Authorization = api.Http.DefaultRequestHeaders.Authorization;
        using var notServed = await workerHttp.SendAsync(partnerOnWorker);
        Assert.Equal(HttpStatusCode.NotFound, notServed.StatusCode);

        await receiver.WaitForAsync(
            "order.completed",
            TimeSpan.FromMinutes(3),
            d => d.Data.ToString().Contains(id, StringComparison.Ordinal)
        );

        // Every partition is leased by the worker host; the API host never held one.
        using var ready = await api.Http.GetAsync(new Uri("/health/ready", UriKind.Relative));
        using var readyBody = JsonDocument.Parse(await ready.Content.ReadAsStringAsync());
        var hubData = readyBody.RootElement.GetProperty("checks").GetProperty("task_hub").GetProperty("data");
        Assert.Equal("ClientOnly", hubData.GetProperty("state").GetString());
        Assert.Equal(0, hubData.GetProperty("partitions_held_here").GetInt32());
        var order = await api.Http.GetFromJsonAsync<JsonElement>(new Uri("/partner/v1/orders/" + id, UriKind.Relative));
        Assert.Equal("completed", order.GetProperty("data").GetProperty("status").GetString());
    }

    /// <summary>Polls <c>/health</c> (no key needed) until the hub reaches <paramref name="state"/>, a minute at most; its body.</summary>
    private static async Task<JsonElement> WaitForHubStateAsync(HttpClient http, string state)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        while (true)
        {
            var body = await http.GetFromJsonAsync<JsonElement>(new Uri("/health", UriKind.Relative));
            var now = body.GetProperty("hub_state").GetString();
            if (now == state || DateTimeOffset.UtcNow > deadline)
            {
                Assert.Equal(state, now);
                return body;
            }

            await Task.Delay(100);
        }
    }
}
