using System.Net;
using System.Text.Json;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Durable.Hosting;
using Peeker.Functions.Hosting;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions;

public sealed class HostTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    [Fact]
    public async Task Health_OverHttp_ReportsHubFromHostJsonRunningOnDtfx()
    {
        await using var factory = Host(azurite.ConnectionString);
        using var client = factory.CreateClient();
        await WaitForHubAsync(factory, TaskHubState.Running);

        using var response = await client.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal("PeekerHub", body.RootElement.GetProperty("hub").GetString());
        Assert.Equal(4, body.RootElement.GetProperty("partition_count").GetInt32());
        Assert.Equal("Running", body.RootElement.GetProperty("hub_state").GetString());
        Assert.True(body.RootElement.GetProperty("managed_heap_bytes").GetInt64() > 0);
    }

    [Fact]
    public async Task Health_StorageUnreachable_AliveButNotReady503NamingTheError()
    {
        var dead = AzuriteFixture.UnreachableConnectionString;
        await using var factory = Host(dead);
        using var client = factory.CreateClient();
        await WaitForHubAsync(factory, TaskHubState.StorageUnavailable);

        using var alive = await client.GetAsync(new Uri("/health", UriKind.Relative));
        using var ready = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, ready.StatusCode);
        var text = await ready.Content.ReadAsStringAsync();
        using var body = JsonDocument.Parse(text);
        Assert.Equal("unhealthy", body.RootElement.GetProperty("status").GetString());
        var checks = body.RootElement.GetProperty("checks");
        Assert.Equal("unhealthy", checks.GetProperty("storage").GetProperty("status").GetString());
        Assert.Equal("unhealthy", checks.GetProperty("task_hub").GetProperty("status").GetString());
        Assert.False(string.IsNullOrEmpty(checks.GetProperty("storage").GetProperty("description").GetString()));
        Assert.DoesNotContain(AzuriteFixture.AccountKey, text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HealthReady_RunningHub_HealthyWithEveryPartitionHeldAndNoBacklog()
    {
        await using var factory = Host(azurite.ConnectionString);
        using var client = factory.CreateClient();
        await WaitForHubAsync(factory, TaskHubState.Running);

        JsonElement checks = default;
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (true)
        {
            using var response = await client.GetAsync(new Uri("/health/ready", UriKind.Relative));
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            checks = body.RootElement.GetProperty("checks").Clone();
            if (body.RootElement.GetProperty("status").GetString() == "healthy" || DateTime.UtcNow > deadline)
            {
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
                break;
            }

            await Task.Delay(250);
        }

        Assert.Equal("healthy", checks.GetProperty("storage").GetProperty("status").GetString());
        var hub = checks.GetProperty("task_hub");
        Assert.Equal("healthy", hub.GetProperty("status").GetString());
        Assert.Equal(4, hub.GetProperty("data").GetProperty("partitions_held_here").GetInt32());
        Assert.Equal(0, hub.GetProperty("data").GetProperty("partitions_without_live_owner").GetInt32());
        Assert.Equal(0, checks.GetProperty("webhook_backlog").GetProperty("data").GetProperty("in_flight").GetInt32());
        Assert.Equal("sandbox_only", checks.GetProperty("provider_google").GetProperty("data").GetProperty("mode").GetString());
        Assert.Equal("healthy", checks.GetProperty("provider_microsoft").GetProperty("status").GetString());
        Assert.Equal("healthy", checks.GetProperty("provider_smartlead").GetProperty("status").GetString());
    }

    [Fact]
    public async Task ManagementApi_WithoutManagementKey_Is401_WithManagementKey_Answers()
    {
        await using var factory = Host(azurite.ConnectionString);
        using var client = factory.CreateClient();
        var managementKey = factory.Services.GetRequiredService<IConfiguration>()["Peeker:ManagementKey"];

        using var anonymous = await client.GetAsync(new Uri("/runtime/webhooks/durabletask/instances/none", UriKind.Relative));
        using var wrong = new HttpRequestMessage(HttpMethod.Get, "/runtime/webhooks/durabletask/instances/none");
        wrong.Headers.Authorization = new("Bearer", "not-the-key");
        using var wrongResponse = await client.SendAsync(wrong);
        using var admin = new HttpRequestMessage(HttpMethod.Get, "/runtime/webhooks/durabletask/instances/none");
        admin.Headers.Authorization = new("Bearer", managementKey);
        using var adminResponse = await client.SendAsync(admin);

        Assert.Equal(HttpStatusCode.Unauthorized, anonymous.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, wrongResponse.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, adminResponse.StatusCode);
    }

    [Fact]
    public async Task Start_InvalidHubName_RefusesToStartNamingTheKey()
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.ConfigureAppConfiguration(
                (_, c) =>
                    c.AddInMemoryCollection(
                        new Dictionary<string, string?> { ["AzureFunctionsJobHost:extensions:durableTask:hubName"] = "bad-hub" }
                    )
            )
        );

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("hubName", error.ToString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api,scheduler")]
    [InlineData(",")]
    public async Task Start_UnknownRole_RefusesToStartNamingTheKey(string roles)
    {
        await using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.ConfigureAppConfiguration((_, c) => c.AddInMemoryCollection(new Dictionary<string, string?> { [HostRoles.Key] = roles }))
        );

        var error = Assert.ThrowsAny<Exception>(() => factory.CreateClient());

        Assert.Contains("Peeker:Roles", error.ToString(), StringComparison.Ordinal);
    }

    /// <summary>The real host on the given storage (its task hub, tables and sandbox all live there).</summary>
    private static WebApplicationFactory<Program> Host(string storage) =>
        new WebApplicationFactory<Program>().WithWebHostBuilder(b =>
            b.ConfigureAppConfiguration(
                (_, c) => c.AddInMemoryCollection(new Dictionary<string, string?> { ["AzureWebJobsStorage"] = storage })
            )
        );

    private static async Task WaitForHubAsync(WebApplicationFactory<Program> factory, TaskHubState state)
    {
        var hub = factory.Services.GetRequiredService<DurableTaskHub>();
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (hub.State != state)
        {
            await Task.Delay(50, timeout.Token);
        }
    }

    [Fact]
    public void AddFunctionsConfiguration_LayersHostJsonLocalSettingsAndEnvironment()
    {
        var dir = Directory.CreateTempSubdirectory("peeker-config-");
        File.WriteAllText(
            Path.Combine(dir.FullName, "host.json"),
            """{"logging":{"logLevel":{"default":"Warning"}},"extensions":{"durableTask":{"hubName":"FromHostJson","maxConcurrentActivityFunctions":7,"storageProvider":{"partitionCount":3}}}}"""
        );
        File.WriteAllText(
            Path.Combine(dir.FullName, "local.settings.sample.json"),
            """{"Values":{"Peeker__AdminKey":"sample","AzureFunctionsJobHost__extensions__durableTask__hubName":"FromSample"}}"""
        );
        File.WriteAllText(Path.Combine(dir.FullName, "local.settings.json"), """{"Values":{"Peeker__AdminKey":"local"}}""");
        var variable = "AzureFunctionsJobHost__extensions__durableTask__storageProvider__partitionCount";
        Environment.SetEnvironmentVariable(variable, "9");
        try
        {
            var config = new ConfigurationBuilder().AddFunctionsConfiguration(dir.FullName, isDevelopment: true).Build();

            Assert.Equal("FromHostJson", config["AzureFunctionsJobHost:extensions:durableTask:hubName"]);
            Assert.Equal("7", config["AzureFunctionsJobHost:extensions:durableTask:maxConcurrentActivityFunctions"]);
            Assert.Equal("local", config["Peeker:AdminKey"]);
            Assert.Equal("9", config["AzureFunctionsJobHost:extensions:durableTask:storageProvider:partitionCount"]);
            Assert.Equal("Warning", config["Logging:LogLevel:Default"]);
        }
        finally
        {
            Environment.SetEnvironmentVariable(variable, null);
            dir.Delete(recursive: true);
        }
    }
}
