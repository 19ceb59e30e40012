using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// A delivery waiting on its durable retry timer survives the host dying: the first attempt fails, the host is killed
/// during the wait (a 30-second first gap through <c>Peeker:Webhooks:RetrySchedule</c>), a new host process starts over
/// the same Azurite, and the second attempt arrives on schedule with the same event id.
/// </summary>
public sealed class WebhookRestartTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_restart_0123456789abcdef0123456789";

    [Fact]
    public async Task HostKilledDuringRetryWait_SecondAttemptArrivesWithSameEventId()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        host.Environment["Peeker__Webhooks__RetrySchedule"] = "00:00:00,00:00:30,00:01:00,00:02:00,00:03:00";
        host.Environment["Providers__Sandbox__BaseUrl"] = $"{host.BaseAddress}sandbox";
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Restart Agency");
        await EndToEndSettings.SetWebhookAsync(http, AdminKey, partnerId, receiver.Url);
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        receiver.FailNext = 1;

        var body = File.ReadAllText(Path.Combine(RepoPaths.Root, "docs", "examples", "partner-api", "create-order.json"))
            .Replace("acme", "restart" + Guid.NewGuid().ToString("N")[..6], StringComparison.Ordinal);
        using var order = await http.PostAsync(
            new Uri("/partner/v1/orders", UriKind.Relative),
            new StringContent(body, Encoding.UTF8, "application/json")
        );
        Assert.True(order.IsSuccessStatusCode, await order.Content.ReadAsStringAsync());
        var first = await receiver.WaitForAsync("order.in_progress", TimeSpan.FromMinutes(2));
        await WaitForRetryWaitAsync(host.BaseAddress, first.EventId);
        await host.KillAsync();
        await host.StartAsync();

        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(8));
        while (receiver.Deliveries.Count(d => d.EventId == first.EventId) < 2)
        {
            await Task.Delay(1000, cts.Token);
        }

        // The receiver sees the POST before the activity records it (attempt row, then the event's status): wait for
        // the event log to catch up.
        var data = await GetEventAsync(http, first.EventId);
        using (var logged = new CancellationTokenSource(TimeSpan.FromMinutes(1)))
        {
            while (!data.GetProperty("delivered").GetBoolean())
            {
                await Task.Delay(200, logged.Token);
                data = await GetEventAsync(http, first.EventId);
            }
        }

        Assert.True(data.GetProperty("delivered").GetBoolean());
        Assert.Equal(2, data.GetProperty("attempts").GetArrayLength());
        Assert.Equal(2, receiver.Deliveries.Count(d => d.EventId == first.EventId));
    }

    private static async Task<JsonElement> GetEventAsync(HttpClient http, string eventId)
    {
        using var details = await http.GetAsync(new Uri($"/partner/v1/events/{eventId}", UriKind.Relative));
        return JsonDocument.Parse(await details.Content.ReadAsStringAsync()).RootElement.GetProperty("data").Clone();
    }

    /// <summary>
    /// Waits until the delivery orchestration has checkpointed its retry wait (custom status names attempt 2): the first
    /// attempt's activity is then complete, so the kill hits the durable timer, not a running attempt.
    /// </summary>
    private static async Task WaitForRetryWaitAsync(Uri host, string eventId)
    {
        using var ops = new HttpClient { BaseAddress = host };
        ops.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", EndToEndSettings.ManagementKey);
        using var cts = new CancellationTokenSource(TimeSpan.FromMinutes(1));
        while (true)
        {
            var status = JsonDocument
                .Parse(await ops.GetStringAsync(new Uri($"/runtime/webhooks/durabletask/instances/{eventId}", UriKind.Relative), cts.Token))
                .RootElement;
            if (
                status.TryGetProperty("customStatus", out var custom)
                && custom.ValueKind == JsonValueKind.Object
                && custom.TryGetProperty("next_attempt", out var next)
                && next.GetInt32() == 2
            )
            {
                return;
            }

            await Task.Delay(200, cts.Token);
        }
    }
}
