using System.Net;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Configuration;

namespace Peeker.Tests.Functions.Ops;

/// <summary>The console's session and anti-forgery rules over plain HTTP (no browser needed).</summary>
[Collection(OpsConsoleHostGroup.Name)]
public sealed class OpsConsoleHttpTests(OpsConsoleFixture host)
{
    [Theory]
    [InlineData("/ops")]
    [InlineData("/ops/instances/anything")]
    [InlineData("/ops/orders/ord_01JDEM0ORDER0000000000000")]
    public async Task Get_WithoutSession_RedirectsToSignIn(string path)
    {
        using var http = host.NewHttpClient();

        using var response = await http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops/signin", response.Headers.Location!.AbsolutePath);
        Assert.Contains("ReturnUrl=" + Uri.EscapeDataString(path), response.Headers.Location.Query, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PostAction_WithoutAntiforgeryToken_IsRejectedAndChangesNothing()
    {
        var id = $"ops-af-{Guid.NewGuid():N}";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(OpsConsoleFixture.Wait, "x", new StartOrchestrationOptions(id));
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);
        using var http = await host.SignedInClientAsync();

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "Terminate", ["confirm"] = "true" });
        using var response = await http.PostAsync(new Uri($"/ops/instances/{id}?handler=Act", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task PostAction_WithTokenButUnconfirmed_ChangesNothing()
    {
        var id = $"ops-confirm-{Guid.NewGuid():N}";
        await host.Client.ScheduleNewOrchestrationInstanceAsync(OpsConsoleFixture.Wait, "x", new StartOrchestrationOptions(id));
        await host.WaitForStatusAsync(id, OrchestrationRuntimeStatus.Running);
        using var http = await host.SignedInClientAsync();
        var token = await OpsConsoleFixture.AntiforgeryTokenAsync(http, $"/ops/instances/{id}");

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["action"] = "Terminate", ["__ops_af"] = token });
        using var response = await http.PostAsync(new Uri($"/ops/instances/{id}?handler=Act", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        var page = await http.GetStringAsync(new Uri($"/ops/instances/{id}", UriKind.Relative));
        Assert.Contains("Tick the confirmation box", page, StringComparison.Ordinal);
        Assert.Equal(OrchestrationRuntimeStatus.Running, (await host.Client.GetInstanceAsync(id))!.RuntimeStatus);
    }

    [Fact]
    public async Task SignIn_WithoutAntiforgeryToken_IsRejectedAndSetsNoSession()
    {
        using var http = host.NewHttpClient();

        using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["AdminKey"] = OpsConsoleFixture.AdminKey });
        using var response = await http.PostAsync(new Uri("/ops/signin", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.DoesNotContain(
            response.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
            c => c.StartsWith("peeker_ops=", StringComparison.Ordinal)
        );
    }

    [Fact]
    public async Task SignIn_RightKey_SetsHttpOnlyStrictSessionCookieScopedToOps()
    {
        using var http = host.NewHttpClient();
        var token = await OpsConsoleFixture.AntiforgeryTokenAsync(http, "/ops/signin");

        using var form = new FormUrlEncodedContent(
            new Dictionary<string, string>
            {
                ["AdminKey"] = OpsConsoleFixture.AdminKey,
                ["__ops_af"] = token,
                ["ReturnUrl"] = "//evil.example/ops",
            }
        );
        using var response = await http.PostAsync(new Uri("/ops/signin", UriKind.Relative), form);

        Assert.Equal(HttpStatusCode.Redirect, response.StatusCode);
        Assert.Equal("/ops", response.Headers.Location!.OriginalString);
        var session = Assert.Single(response.Headers.GetValues("Set-Cookie"), c => c.StartsWith("peeker_ops=", StringComparison.Ordinal));
        Assert.Contains("httponly", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("samesite=strict", session, StringComparison.OrdinalIgnoreCase);
        Assert.Contains("path=/ops", session, StringComparison.OrdinalIgnoreCase);
        using var list = await http.GetAsync(new Uri("/ops", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
        Assert.True(list.Headers.CacheControl!.NoStore);
        Assert.Contains(
            "frame-ancestors 'none'",
            string.Join(";", list.Headers.GetValues("Content-Security-Policy")),
            StringComparison.Ordinal
        );
    }

    [Fact]
    public async Task SignIn_OverTheFailedAuthenticationBudget_IsRefusedEvenWithTheRightKey()
    {
        // Its own host (own task hub) with a budget of two failures: the shared host's sign-ins stay unaffected.
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
        {
            b.UseEnvironment("Development");
            b.ConfigureAppConfiguration(c =>
                c.AddInMemoryCollection(
                    new Dictionary<string, string?>
                    {
                        ["AzureWebJobsStorage"] = host.StorageConnectionString,
                        ["Peeker:AdminKey"] = OpsConsoleFixture.AdminKey,
                        ["Peeker:UnauthenticatedPerMinute"] = "2",
                        ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "OpsLimitsHub",
                    }
                )
            );
        });
        using var http = factory.CreateClient(new WebApplicationFactoryClientOptions { AllowAutoRedirect = false, HandleCookies = true });

        async Task<HttpResponseMessage> SignInAsync(string key)
        {
            var token = await OpsConsoleFixture.AntiforgeryTokenAsync(http, "/ops/signin");
            using var form = new FormUrlEncodedContent(new Dictionary<string, string> { ["AdminKey"] = key, ["__ops_af"] = token });
            return await http.PostAsync(new Uri("/ops/signin", UriKind.Relative), form);
        }

        using var first = await SignInAsync("adm_wrong_key_number_one_000000000");
        using var second = await SignInAsync("adm_wrong_key_number_two_000000000");
        using var third = await SignInAsync(OpsConsoleFixture.AdminKey);

        Assert.Equal(HttpStatusCode.Unauthorized, first.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, second.StatusCode);
        Assert.Equal(HttpStatusCode.TooManyRequests, third.StatusCode);
        Assert.DoesNotContain(
            third.Headers.TryGetValues("Set-Cookie", out var cookies) ? cookies : [],
            c => c.StartsWith("peeker_ops=", StringComparison.Ordinal)
        );
    }
}
