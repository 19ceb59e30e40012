using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// A failed sandbox order through the real host on Azurite with the simulators, as a partner rehearses it: an
/// <c>nsfail</c> order fails within the sandbox propagation budget (seconds here, minutes by default, not the live day);
/// <c>POST /orders/{id}/retry</c> runs it again without buying the name twice; <c>POST /orders/{id}/cancel</c> undoes it
/// at once, so the zone is gone and the name can be ordered again.
/// </summary>
public sealed class FailedOrderFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_failed_0123456789abcdef0123456789";

    [Fact]
    public async Task NsfailOrder_FailsQuickly_RetryBuysNothingTwice_CancelUndoesItAtOnce()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Failed Agency",
            receiver,
            new Dictionary<string, string> { ["Provisioning__Sandbox__PropagationBudget"] = "00:00:06" }
        );
        var http = session.Http;
        var name = $"nsfail{Guid.NewGuid().ToString("N")[..6]}.com";
        var body = OrderBody(name);

        var orderId = await session.PlaceOrderAsync(JsonContent.Create(body));
        var failed = await receiver.WaitForAsync(
            "order.failed",
            TimeSpan.FromMinutes(2),
            d => d.Data.ToString().Contains(orderId, StringComparison.Ordinal)
        );
        using var retry = await http.PostAsync(new Uri($"/partner/v1/orders/{orderId}/retry", UriKind.Relative), null);
        var retried = JsonDocument.Parse(await retry.Content.ReadAsStringAsync()).RootElement.GetProperty("data").Clone();
        var failedAgain = await receiver.WaitForAsync(
            "order.failed",
            TimeSpan.FromMinutes(2),
            d => d.EventId != failed.EventId && d.Data.ToString().Contains(orderId, StringComparison.Ordinal)
        );
        var afterRetry = await session.InspectAsync();

        using var cancel = await http.PostAsync(new Uri($"/partner/v1/orders/{orderId}/cancel", UriKind.Relative), null);
        var cancelBody = JsonDocument.Parse(await cancel.Content.ReadAsStringAsync()).RootElement.GetProperty("data").Clone();
        // The order failed before it is cancelled: the match names the type so that earlier order.failed is not taken for a failure here.
        await receiver.WaitForAsync(
            "order.cancelled",
            TimeSpan.FromMinutes(2),
            d => d.Type == "order.cancelled" && d.Data.ToString().Contains(orderId, StringComparison.Ordinal)
        );
        var afterCancel = await session.InspectAsync();
        var order = await session.GetDataAsync($"/partner/v1/orders/{orderId}");
        using var again = await http.PostAsJsonAsync("/partner/v1/orders", OrderBody(name, "again"));

        Assert.Equal("zone_active", failed.Data.GetProperty("failure").GetProperty("step").GetString());
        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal("in_progress", retried.GetProperty("status").GetString());
        Assert.Equal("dns_not_active", failedAgain.Data.GetProperty("failure").GetProperty("code").GetString());
        Assert.Single(afterRetry.Rows("registrar.purchase"), p => p.Contains(name, StringComparison.Ordinal));
        Assert.Contains(afterRetry.Rows("cloudflare.zone"), z => z.Contains(name, StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.OK, cancel.StatusCode);
        var scheduled = DateTimeOffset.Parse(
            cancelBody.GetProperty("cancellation_scheduled_at").GetString()!,
            CultureInfo.InvariantCulture
        );
        Assert.Equal(scheduled, DateTimeOffset.Parse(cancelBody.GetProperty("cancels_at").GetString()!, CultureInfo.InvariantCulture));
        Assert.DoesNotContain(afterCancel.Rows("cloudflare.zone"), z => z.Contains(name, StringComparison.Ordinal));
        Assert.Equal("cancelled", order.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    private static object OrderBody(string domain, string user = "failed") =>
        new
        {
            user = $"{user}@example.com",
            google_licenses = 2,
            microsoft_licenses = 0,
            google_inboxes_per_domain = 2,
            sequencer = new
            {
                provider = "smartlead",
                client_id = 7,
                login_email = "ops@example.com",
                login_password = "failed-password",
            },
            forwarding_url = "https://example.com",
            domains = new[] { domain },
            personas = new[]
            {
                new
                {
                    first_name = "Ana",
                    last_name = "Ruiz",
                    profile_picture_url = (string?)null,
                },
            },
        };
}
