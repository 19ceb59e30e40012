using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Peeker.Tests.Support;

namespace Peeker.Tests.EndToEnd;

/// <summary>
/// A Development host on a port other than 7071, with no <c>Providers:Sandbox:BaseUrl</c>: sandbox provider calls go to
/// the simulators of this host, at the address it listens on.
/// </summary>
public sealed class SandboxAddressTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string AdminKey = "adm_address_0123456789abcdef012345678";

    [Fact]
    public async Task Availability_HostOnAFreePortWithoutSandboxBaseUrl_FreeNameIsAvailable()
    {
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        Assert.DoesNotContain("Providers__Sandbox__BaseUrl", host.Environment.Keys);
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var (_, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Address Agency");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await http.PostAsync(
            new Uri("/partner/v1/domains/availability", UriKind.Relative),
            new StringContent("""{"domains":["free-address-acme.com"]}""", Encoding.UTF8, "application/json")
        );

        var body = await response.Content.ReadAsStringAsync();
        var row = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("domains")[0];
        Assert.True(row.GetProperty("available").GetBoolean(), body);
    }

    [Fact]
    public async Task Availability_SandboxRegistrar_SellsAppAndDev_UnsupportedTldIsInvalid()
    {
        await using var host = new HostProcess(EndToEndSettings.For(azurite, AdminKey));
        await host.StartAsync();
        using var http = new HttpClient { BaseAddress = host.BaseAddress };
        var (_, key) = await EndToEndSettings.CreatePartnerAsync(http, AdminKey, "Tld Agency");
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", key);

        using var response = await http.PostAsync(
            new Uri("/partner/v1/domains/availability", UriKind.Relative),
            new StringContent("""{"domains":["acme-mail.app","acme-mail.dev","acme-mail.museum"]}""", Encoding.UTF8, "application/json")
        );

        var body = await response.Content.ReadAsStringAsync();
        var rows = JsonDocument.Parse(body).RootElement.GetProperty("data").GetProperty("domains").EnumerateArray().ToList();
        Assert.All(rows[..2], r => Assert.Equal(["google"], r.GetProperty("usable_for").EnumerateArray().Select(e => e.GetString())));
        Assert.Equal((false, "invalid"), (rows[2].GetProperty("available").GetBoolean(), rows[2].GetProperty("reason").GetString()));
    }
}
