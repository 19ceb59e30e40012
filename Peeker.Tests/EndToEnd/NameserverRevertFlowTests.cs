using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// A connected imported domain whose customer reverts its nameservers, through the real host on Azurite with the
/// simulators: the nameserver watch opens a domain-level pending action and publishes <c>domain.action_required</c>,
/// the order is <c>action_required</c>; once the customer sets the nameservers back, the action's re-check loop resolves
/// it and the order is <c>completed</c> again. The sandbox's <c>_customer</c> hook plays the customer's registrar.
/// </summary>
public sealed class NameserverRevertFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_nsrevert_0123456789abcdef01234567";
    private const string Domain = "revert-acme.com";

    [Fact]
    public async Task ImportedDomainNameserversRevert_DomainActionRequired_ThenResolvedWhenSetBack()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var session = await SandboxSession.StartAsync(
            azurite,
            AdminKey,
            "Revert Agency",
            receiver,
            new Dictionary<string, string>
            {
                ["Provisioning__NameserverWatchInterval"] = "00:00:02",
                ["Provisioning__PendingActionRecheckInterval"] = "00:00:02",
            }
        );
        using var imported = await session.Http.PostAsJsonAsync("/partner/v1/domains/import", new { domains = new[] { Domain } });
        var importText = await imported.Content.ReadAsStringAsync();
        Assert.True(imported.StatusCode == HttpStatusCode.OK, importText);
        var zoneNameservers = JsonDocument
            .Parse(importText)
            .RootElement.GetProperty("data")
            .GetProperty("nameserver_groups")[0]
            .GetProperty("nameservers")
            .EnumerateArray()
            .Select(n => n.GetString()!)
            .ToList();
        await receiver.WaitForAsync("domain_import.completed", TimeSpan.FromMinutes(2));
        var orderId = await session.PlaceOrderAsync(JsonContent.Create(OrderBody()));
        await receiver.WaitForAsync("order.completed", TimeSpan.FromMinutes(3));

        await SetCustomerNameserversAsync(session, ["ns1.elsewhere.example", "ns2.elsewhere.example"]);
        var required = await receiver.WaitForAsync("domain.action_required", TimeSpan.FromMinutes(2));
        var open = (await session.GetDataAsync($"/partner/v1/orders/pending?order_id={orderId}")).EnumerateArray().ToList();
        var blocked = await session.GetDataAsync($"/partner/v1/orders/{orderId}");

        await SetCustomerNameserversAsync(session, zoneNameservers);
        var resolved = await UntilAsync(async () =>
            (await session.GetDataAsync($"/partner/v1/orders/pending?order_id={orderId}&status=resolved")).GetArrayLength() == 1
        );
        var after = await session.GetDataAsync($"/partner/v1/orders/{orderId}");

        Assert.Equal(Domain, required.Data.GetProperty("domain").GetString());
        Assert.Equal(orderId, required.Data.GetProperty("order_id").GetString());
        Assert.Equal("nameservers_reverted", required.Data.GetProperty("reason").GetString());
        Assert.Equal(zoneNameservers, required.Data.GetProperty("nameservers").EnumerateArray().Select(n => n.GetString()));
        Assert.True(required.IsSignedWith(session.Secret));
        var action = Assert.Single(open);
        Assert.Equal(required.Data.GetProperty("pending_action_id").GetString(), action.GetProperty("id").GetString());
        Assert.Equal("domain_nameservers", action.GetProperty("type").GetString());
        Assert.Equal(Domain, action.GetProperty("domain").GetString());
        Assert.Equal("action_required", blocked.GetProperty("status").GetString());
        Assert.True(resolved, "the action was not resolved after the nameservers were set back");
        Assert.Equal("completed", after.GetProperty("status").GetString());
        Assert.Single(receiver.Events, e => e.Type == "domain.action_required");
    }

    private static async Task SetCustomerNameserversAsync(SandboxSession session, IReadOnlyList<string> nameservers)
    {
        using var request = new HttpRequestMessage(HttpMethod.Put, $"/sandbox/_customer/{session.PartnerId}/nameservers/{Domain}")
        {
            Content = JsonContent.Create(new { nameservers }),
        };
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AdminKey);
        using var response = await session.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    /// <summary>Polls an API read until it holds; false after two minutes.</summary>
    private static async Task<bool> UntilAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTimeOffset.UtcNow.AddMinutes(2);
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                return false;
            }

            await Task.Delay(250);
        }

        return true;
    }

    private static object OrderBody() =>
        new
        {
            user = "revert@example.com",
            google_licenses = 2,
            microsoft_licenses = 0,
            google_inboxes_per_domain = 2,
            sequencer = new
            {
                provider = "smartlead",
                client_id = 7,
                login_email = "ops@example.com",
                login_password = "revert-password",
            },
            forwarding_url = "https://acme.com",
            domains = new[] { Domain },
            personas = new[]
            {
                new
                {
                    first_name = "Ana",
                    last_name = "Ruiz",
                    profile_picture_url = "",
                },
            },
        };
}
