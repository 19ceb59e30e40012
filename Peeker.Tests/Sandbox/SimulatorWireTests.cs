using System.Net;
using System.Text.Json;
using System.Xml.Linq;

namespace Peeker.Tests.Sandbox;

/// <summary>Raw wire answers of the simulators (what a client in any language would see).</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class SimulatorWireTests(SandboxServerFixture sandbox)
{
    private static readonly XNamespace Ns = "http://api.namecheap.com/xml.response";

    private async Task<XElement> NamecheapAsync(Dictionary<string, string> form)
    {
        using var http = SandboxServerFixture.RawClient();
        using var response = await http.PostAsync(
            new Uri(sandbox.BaseUrl + "/sandbox/registrar/xml.response"),
            new FormUrlEncodedContent(form)
        );
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        return XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
    }

    [Fact]
    public async Task Namecheap_WrongApiKey_Http200WithStatusErrorAnd1011102()
    {
        var root = await NamecheapAsync(
            new()
            {
                ["ApiUser"] = "ptn_a",
                ["ApiKey"] = "wrong",
                ["UserName"] = "ptn_a",
                ["ClientIp"] = "127.0.0.1",
                ["Command"] = "namecheap.domains.check",
                ["DomainList"] = "a.com",
            }
        );

        Assert.Equal("ERROR", (string?)root.Attribute("Status"));
        Assert.Equal("1011102", (string?)root.Element(Ns + "Errors")!.Element(Ns + "Error")!.Attribute("Number"));
    }

    [Fact]
    public async Task Namecheap_ClientIpNotWhitelisted_Answers1011150()
    {
        var root = await NamecheapAsync(
            new()
            {
                ["ApiUser"] = "ptn_b",
                ["ApiKey"] = "sbx_ptn_b",
                ["UserName"] = "ptn_b",
                ["ClientIp"] = "192.0.2.10",
                ["Command"] = "namecheap.domains.check",
                ["DomainList"] = "a.com",
            }
        );

        Assert.Equal("1011150", (string?)root.Element(Ns + "Errors")!.Element(Ns + "Error")!.Attribute("Number"));
    }

    [Fact]
    public async Task Smartlead_Over60RequestsAMinute_Answers429WithRateLimitHeadersAndBody()
    {
        var partner = SandboxServerFixture.NewPartner().PartnerId;
        using var http = SandboxServerFixture.RawClient();
        var url = new Uri($"{sandbox.BaseUrl}/sandbox/smartlead/api/v1/email-accounts/?api_key=sbx_{partner}&offset=0&limit=10");
        HttpResponseMessage? limited = null;
        // Up to 130 calls: even if a minute boundary splits them, one window sees more than 60.
        for (var i = 0; i < 130 && limited is null; i++)
        {
            var response = await http.GetAsync(url);
            if (response.StatusCode == HttpStatusCode.TooManyRequests)
            {
                limited = response;
            }
            else
            {
                response.Dispose();
            }
        }

        Assert.NotNull(limited);
        using (limited)
        {
            Assert.NotNull(limited.Headers.RetryAfter);
            Assert.Equal("60", limited.Headers.GetValues("X-RateLimit-Limit").Single());
            using var body = JsonDocument.Parse(await limited.Content.ReadAsStringAsync());
            Assert.Equal("RATE_LIMIT_EXCEEDED", body.RootElement.GetProperty("error").GetProperty("code").GetString());
        }
    }

    [Fact]
    public async Task Smartlead_WithoutApiKey_Answers401()
    {
        using var http = SandboxServerFixture.RawClient();

        using var response = await http.GetAsync(new Uri(sandbox.BaseUrl + "/sandbox/smartlead/api/v1/email-accounts/"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task Cloudflare_ZoneList_CarriesResultInfo()
    {
        var partner = SandboxServerFixture.NewPartner().PartnerId;
        using var http = SandboxServerFixture.RawClient();
        using var request = new HttpRequestMessage(
            HttpMethod.Get,
            sandbox.BaseUrl + "/sandbox/cloudflare/client/v4/zones?page=1&per_page=5"
        );
        request.Headers.Authorization = new("Bearer", "sbx_" + partner);

        using var response = await http.SendAsync(request);

        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(body.RootElement.GetProperty("success").GetBoolean());
        Assert.Equal(0, body.RootElement.GetProperty("result_info").GetProperty("total_count").GetInt32());
        Assert.Equal(5, body.RootElement.GetProperty("result_info").GetProperty("per_page").GetInt32());
    }
}
