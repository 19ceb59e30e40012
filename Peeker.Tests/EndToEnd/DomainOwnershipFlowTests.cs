using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// One owner per domain name across partners, through the real host on Azurite with the simulators: partner A imports
/// a name, then partner B tries to import and to order the same name.
/// </summary>
public sealed class DomainOwnershipFlowTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_owners_0123456789abcdef0123456789";

    [Fact]
    public async Task Import_NameAnotherPartnerImported_FailsDomainInUse_NotListed_FirstZoneUntouched()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        await using var a = await SandboxSession.StartAsync(azurite, AdminKey, "Partner A", receiver);
        var name = $"shared-{Guid.NewGuid():N}"[..20] + ".com";
        var aImportId = await ImportAsync(a.Http, name);
        await receiver.WaitForAsync(
            "domain_import.completed",
            TimeSpan.FromMinutes(2),
            d => d.Data.GetProperty("id").GetString() == aImportId
        );
        var aZoneBefore = Zones(await a.InspectAsync(), name);
        using var b = await NewPartnerClientAsync(a, receiver.Url);

        using var bImport = await b.Http.PostAsJsonAsync("/partner/v1/domains/import", new { domains = new[] { name } });
        var bImportText = await bImport.Content.ReadAsStringAsync();
        var bImportId = JsonDocument.Parse(bImportText).RootElement.GetProperty("data").GetProperty("id").GetString()!;
        var bFinished = await receiver.WaitForAsync(
            "domain_import.failed",
            TimeSpan.FromMinutes(2),
            d => d.Data.GetProperty("id").GetString() == bImportId
        );
        using var bOrder = await b.Http.PostAsJsonAsync(
            "/partner/v1/orders",
            new
            {
                user = "taker@example.com",
                google_licenses = 2,
                microsoft_licenses = 0,
                google_inboxes_per_domain = 2,
                sequencer = new
                {
                    provider = "smartlead",
                    client_id = 7,
                    login_email = "ops@example.com",
                    login_password = "taker-password",
                },
                forwarding_url = "https://acme.com",
                domains = new[] { name },
                personas = new[]
                {
                    new
                    {
                        first_name = "Ana",
                        last_name = "Ruiz",
                        profile_picture_url = "",
                    },
                },
            }
        );
        var bOrderError = JsonDocument.Parse(await bOrder.Content.ReadAsStringAsync()).RootElement.GetProperty("error");
        var bDomains = await GetDataAsync(b.Http, "/partner/v1/domains");
        var aDomains = await a.GetDataAsync("/partner/v1/domains");

        Assert.True(bImport.StatusCode == HttpStatusCode.OK, bImportText);
        var row = bFinished.Data.GetProperty("domains").EnumerateArray().Single();
        Assert.Equal(("failed", "domain_in_use"), (row.GetProperty("status").GetString(), row.GetProperty("reason").GetString()));
        Assert.Equal("failed", bFinished.Data.GetProperty("status").GetString());
        Assert.Equal(HttpStatusCode.Conflict, bOrder.StatusCode);
        Assert.Equal(
            ("domain_in_use", "domains"),
            (bOrderError.GetProperty("code").GetString(), bOrderError.GetProperty("field").GetString())
        );
        Assert.DoesNotContain(bDomains.EnumerateArray(), d => d.GetProperty("domain").GetString() == name);
        Assert.Contains(aDomains.EnumerateArray(), d => d.GetProperty("domain").GetString() == name);
        Assert.Empty(Zones(await InspectAsync(a, b.PartnerId), name));
        Assert.Equal(aZoneBefore, Zones(await a.InspectAsync(), name));
        Assert.Contains("\"active\"", Assert.Single(aZoneBefore), StringComparison.Ordinal);
    }

    private static async Task<string> ImportAsync(HttpClient http, string name)
    {
        using var response = await http.PostAsJsonAsync("/partner/v1/domains/import", new { domains = new[] { name } });
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, text);
        return JsonDocument.Parse(text).RootElement.GetProperty("data").GetProperty("id").GetString()!;
    }

    private static List<string> Zones(SandboxState state, string name) =>
        [.. state.Rows("cloudflare.zone").Where(z => z.Contains($"\"{name}\"", StringComparison.Ordinal))];

    private static async Task<PartnerClient> NewPartnerClientAsync(SandboxSession session, string webhookUrl)
    {
        var (partnerId, key) = await EndToEndSettings.CreatePartnerAsync(session.Http, session.AdminKey, "Partner B");
        await EndToEndSettings.SetWebhookAsync(session.Http, session.AdminKey, partnerId, webhookUrl);
        var http = new HttpClient { BaseAddress = session.Host.BaseAddress, Timeout = TimeSpan.FromSeconds(30) };
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);
        return new PartnerClient(partnerId, http);
    }

    private static async Task<JsonElement> GetDataAsync(HttpClient http, string path)
    {
        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, body);
        return JsonDocument.Parse(body).RootElement.GetProperty("data").Clone();
    }

    private static async Task<SandboxState> InspectAsync(SandboxSession session, string partnerId)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, $"/sandbox/_inspect/{partnerId}");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", session.AdminKey);
        using var response = await session.Http.SendAsync(request);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return new SandboxState(JsonDocument.Parse(await response.Content.ReadAsStringAsync()).RootElement.Clone());
    }

    private sealed record PartnerClient(string PartnerId, HttpClient Http) : IDisposable
    {
        public void Dispose() => Http.Dispose();
    }
}
