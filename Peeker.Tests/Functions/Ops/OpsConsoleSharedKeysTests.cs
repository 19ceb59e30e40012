using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Peeker.Functions.Ops;

namespace Peeker.Tests.Functions.Ops;

/// <summary>
/// Two hosts behind one balancer: the shared console host and a second host on the same storage account (its own task
/// hub). The data-protection key ring lives in a blob there, so a session cookie or anti-forgery token issued by one
/// host is accepted by the other.
/// </summary>
[Collection(OpsConsoleHostGroup.Name)]
public sealed class OpsConsoleSharedKeysTests(OpsConsoleFixture host)
{
    [Fact]
    public async Task SessionCookie_IssuedByOneHost_IsAcceptedByAnother()
    {
        var jar = new CookieContainer();
        using var first = await host.SignedInClientAsync(jar);
        await using var second = SecondHost();
        using var other = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        using var request = new HttpRequestMessage(HttpMethod.Get, "/ops");
        request.Headers.Add("Cookie", CookiesOf(jar));
        using var response = await other.SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    [Fact]
    public async Task AntiforgeryToken_IssuedByOneHost_IsAcceptedByAnother()
    {
        var jar = new CookieContainer();
        using var first = host.NewHttpClient(jar);
        var token = await OpsConsoleFixture.AntiforgeryTokenAsync(first, "/ops/signin");
        await using var second = SecondHost();
        using var other = second.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = false });

        using var request = new HttpRequestMessage(HttpMethod.Post, "/ops/signin")
        {
            Content = new FormUrlEncodedContent(
                new Dictionary<string, string> { ["AdminKey"] = OpsConsoleFixture.AdminKey, ["__ops_af"] = token }
            ),
        };
        request.Headers.Add("Cookie", CookiesOf(jar));
        using var response = await other.SendAsync(request);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Contains(
            response.Headers.GetValues("Set-Cookie"),
            c => c.StartsWith(OpsConsoleComposition.CookieName + "=", StringComparison.Ordinal)
        );
    }

    private WebApplicationFactory<Program> SecondHost() =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.ConfigureAppConfiguration(c =>
                c.AddInMemoryCollection(
                    new Dictionary<string, string?>
                    {
                        ["AzureWebJobsStorage"] = host.StorageConnectionString,
                        ["Peeker:AdminKey"] = OpsConsoleFixture.AdminKey,
                        ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "OpsSharedKeysHub",
                        ["Logging:LogLevel:Default"] = "Warning",
                    }
                )
            );
        });

    /// <summary>The Cookie header the first host's client would send under /ops.</summary>
    private string CookiesOf(CookieContainer jar) => jar.GetCookieHeader(new Uri(host.BaseAddress, "/ops/"));
}
