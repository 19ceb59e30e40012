using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Peeker.Benchmarks;

/// <summary>
/// What the chaos and soak harnesses do as a partner would: create a sandbox partner whose webhook points at the
/// harness, post an order (tried again on the answers a partner retries), cancel it, and read <c>/sandbox/_inspect</c>.
/// </summary>
internal static class SandboxOrders
{
    /// <summary>A sandbox partner: its id and its <c>pk_test_</c> key.</summary>
    public sealed record Partner(string Id, string Key);

    /// <summary>Creates a partner through the admin API with its test webhook pointing at <paramref name="hook"/>.</summary>
    public static async Task<Partner> CreatePartnerAsync(HttpClient admin, string hook)
    {
        using var create = new HttpRequestMessage(HttpMethod.Post, "/admin/v1/partners")
        {
            Content = JsonContent.Create(new { name = $"Chaos {Guid.NewGuid():N}"[..20] }),
        };
        create.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OrderBenchmark.AdminKey);
        using var created = await admin.SendAsync(create);
        var data = JsonDocument.Parse(await created.Content.ReadAsStringAsync()).RootElement.GetProperty("data");
        var id = data.GetProperty("id").GetString()!;
        using var webhook = new HttpRequestMessage(HttpMethod.Put, $"/admin/v1/partners/{id}/webhook")
        {
            Content = JsonContent.Create(new { environment = "test", url = hook }),
        };
        webhook.Headers.Authorization = new AuthenticationHeaderValue("Bearer", OrderBenchmark.AdminKey);
        using var set = await admin.SendAsync(webhook);
        set.EnsureSuccessStatusCode();
        return new Partner(id, data.GetProperty("api_keys").GetProperty("test").GetString()!);
    }

    /// <summary>An order body: <paramref name="google"/> Google and the rest Microsoft, a Smartlead sequencer, one persona.</summary>
    public static string OrderBody(int index, string tag, string[] domains, int google, int microsoft) =>
        JsonSerializer.Serialize(
            new
            {
                user = $"client{index}@example.com",
                google_licenses = google * 2,
                microsoft_licenses = microsoft,
                google_inboxes_per_domain = 2,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 1000 + (index % 1999),
                    login_email = $"ops{index}@example.com",
                    login_password = $"chaos-{tag}-{index}",
                },
                forwarding_url = "https://example.com",
                domains,
                personas = Personas("https://pics.example.com/sam.png"),
            }
        );

    /// <summary>The one persona every harness order names (<paramref name="picture"/>: its profile picture URL, or none).</summary>
    public static object[] Personas(string? picture) =>
        [
            new
            {
                first_name = "Sam",
                last_name = "Lee",
                profile_picture_url = picture,
            },
        ];

    /// <summary>Posts an order and returns its id; throws when it is refused for good.</summary>
    public static async Task<string> PostOrderAsync(HostFleet fleet, HttpClient http, Partner partner, string body)
    {
        for (var attempt = 1; ; attempt++)
        {
            using var response = await fleet.SendAsync(
                http,
                address => new HttpRequestMessage(HttpMethod.Post, new Uri(address, "/partner/v1/orders"))
                {
                    Content = new StringContent(body, System.Text.Encoding.UTF8, "application/json"),
                    Headers = { Authorization = new AuthenticationHeaderValue("Bearer", partner.Key) },
                }
            );
            var text = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetString()!;
            }

            // As a partner would: an availability check the registrar could not answer ("errored": a flaky name's
            // 503s), a rate limit or a server error is tried again; the same body is idempotent.
            var retryable = (int)response.StatusCode is 429 or >= 500 || text.Contains("\"reason\":\"errored\"", StringComparison.Ordinal);
            if (!retryable || attempt == 8)
            {
                throw new InvalidOperationException($"order refused ({(int)response.StatusCode}): {text}");
            }

            await Task.Delay(TimeSpan.FromSeconds(attempt));
        }
    }

    /// <summary>Cancels a whole order (<c>POST /orders/{id}/cancel</c>); false when it was refused.</summary>
    public static async Task<bool> CancelAsync(HostFleet fleet, HttpClient http, Partner partner, string orderId)
    {
        using var response = await fleet.SendAsync(
            http,
            address => new HttpRequestMessage(HttpMethod.Post, new Uri(address, $"/partner/v1/orders/{orderId}/cancel"))
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", partner.Key) },
            }
        );
        return response.IsSuccessStatusCode;
    }

    /// <summary>Every row the sandbox simulators hold for a partner.</summary>
    public static async Task<SandboxRows> InspectAsync(HostFleet fleet, HttpClient http, string partnerId)
    {
        using var response = await fleet.SendAsync(
            http,
            address => new HttpRequestMessage(HttpMethod.Get, new Uri(address, $"/sandbox/_inspect/{partnerId}"))
            {
                Headers = { Authorization = new AuthenticationHeaderValue("Bearer", OrderBenchmark.AdminKey) },
            }
        );
        response.EnsureSuccessStatusCode();
        return new SandboxRows(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }
}
