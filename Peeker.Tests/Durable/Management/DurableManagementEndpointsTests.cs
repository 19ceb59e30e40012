using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Peeker.Durable.Hosting;
using Peeker.Durable.Management;
using Peeker.Tests.Support;

namespace Peeker.Tests.Durable.Management;

/// <summary>The Durable-Functions-compatible management API over DTFx on Azurite, over real HTTP on loopback.</summary>
public sealed class DurableManagementEndpointsTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>, IAsyncLifetime
{
    private WebApplication? _app;
    private HttpClient? _http;

    private HttpClient Http => _http!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Configuration["AzureWebJobsStorage"] = azurite.ConnectionString;
        builder.Services.Configure<DurableTaskOptions>(o =>
        {
            o.HubName = "Mgmt" + Guid.NewGuid().ToString("N")[..12];
            o.StorageProvider.MaxQueuePollingInterval = TimeSpan.FromMilliseconds(100);
            o.StorageProvider.LeaseAcquireInterval = TimeSpan.FromSeconds(1);
        });
        builder.Services.AddPeekerDurable(
            builder.Configuration,
            r =>
                r.AddOrchestratorFunc<string, string>("Echo", (_, s) => Task.FromResult(s + "!"))
                    .AddOrchestratorFunc<string, string>("Wait", (ctx, _) => ctx.WaitForExternalEvent<string>("go"))
                    .AddOrchestratorFunc<string, string>(
                        "Fail",
                        (_, _) => Task.FromException<string>(new InvalidOperationException("boom"))
                    )
        );
        _app = builder.Build();
        _app.MapDurableManagement();
        await _app.StartAsync();
        var hub = _app.Services.GetRequiredService<DurableTaskHub>();
        using var ready = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (hub.State != TaskHubState.Running)
        {
            await Task.Delay(50, ready.Token);
        }

        var address = _app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        _http = new HttpClient { BaseAddress = new Uri(address) };
    }

    public async Task DisposeAsync()
    {
        _http?.Dispose();
        if (_app is not null)
        {
            await _app.StopAsync();
            await _app.DisposeAsync();
        }
    }

    [Fact]
    public async Task Start_ThenStatus_Returns202CheckStatusThen200WithOutputAndHistory()
    {
        using var start = await Http.PostAsJsonAsync("/runtime/webhooks/durabletask/orchestrators/Echo/echo-1", "hi");
        Assert.Equal(HttpStatusCode.Accepted, start.StatusCode);
        var payload = JsonNode.Parse(await start.Content.ReadAsStringAsync())!;
        Assert.Equal("echo-1", payload["id"]!.GetValue<string>());
        Assert.EndsWith(
            "/instances/echo-1/raiseEvent/{eventName}",
            payload["sendEventPostUri"]!.GetValue<string>(),
            StringComparison.Ordinal
        );

        await Client.WaitForInstanceCompletionAsync("echo-1");
        using var status = await Http.GetAsync(
            new Uri("/runtime/webhooks/durabletask/instances/echo-1?showHistory=true&showHistoryOutput=true", UriKind.Relative)
        );
        var body = JsonNode.Parse(await status.Content.ReadAsStringAsync())!;

        Assert.Equal(HttpStatusCode.OK, status.StatusCode);
        Assert.Equal("Completed", body["runtimeStatus"]!.GetValue<string>());
        Assert.Equal("hi!", body["output"]!.GetValue<string>());
        Assert.Contains(body["historyEvents"]!.AsArray(), e => e!["EventType"]!.GetValue<string>() == "ExecutionCompleted");
    }

    [Fact]
    public async Task Status_Running_Returns202WithRetryAfter_AndUnknownIs404()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("Wait", "x", new StartOrchestrationOptions("wait-1"));
        await Client.WaitForInstanceStartAsync("wait-1");

        using var running = await Http.GetAsync(new Uri("/runtime/webhooks/durabletask/instances/wait-1", UriKind.Relative));
        using var unknown = await Http.GetAsync(new Uri("/runtime/webhooks/durabletask/instances/nope", UriKind.Relative));

        Assert.Equal(HttpStatusCode.Accepted, running.StatusCode);
        Assert.Equal("5", running.Headers.RetryAfter!.ToString());
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);
    }

    [Fact]
    public async Task RaiseEvent_ThenTerminateOfFinished_Returns202Then410()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("Wait", "x", new StartOrchestrationOptions("wait-2"));
        await Client.WaitForInstanceStartAsync("wait-2");

        using var raise = await Http.PostAsJsonAsync("/runtime/webhooks/durabletask/instances/wait-2/raiseEvent/go", "done");
        var result = await Client.WaitForInstanceCompletionAsync("wait-2", getInputsAndOutputs: true);
        using var terminate = await Http.PostAsync(
            new Uri("/runtime/webhooks/durabletask/instances/wait-2/terminate?reason=late", UriKind.Relative),
            null
        );

        Assert.Equal(HttpStatusCode.Accepted, raise.StatusCode);
        Assert.Equal("done", result.ReadOutputAs<string>());
        Assert.Equal(HttpStatusCode.Gone, terminate.StatusCode);
    }

    [Fact]
    public async Task Query_ByStatus_ListsMatchingInstances_AndPurgeDeletesThem()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("Fail", "x", new StartOrchestrationOptions("fail-1"));
        await Client.WaitForInstanceCompletionAsync("fail-1");

        using var list = await Http.GetAsync(new Uri("/runtime/webhooks/durabletask/instances?runtimeStatus=Failed", UriKind.Relative));
        var items = JsonNode.Parse(await list.Content.ReadAsStringAsync())!.AsArray();
        using var badStatus = await Http.GetAsync(
            new Uri("/runtime/webhooks/durabletask/instances?runtimeStatus=Sleeping", UriKind.Relative)
        );
        using var purge = await Http.DeleteAsync(new Uri("/runtime/webhooks/durabletask/instances/fail-1", UriKind.Relative));
        using var purgeAgain = await Http.DeleteAsync(new Uri("/runtime/webhooks/durabletask/instances/fail-1", UriKind.Relative));

        Assert.Contains(items, i => i!["instanceId"]!.GetValue<string>() == "fail-1");
        Assert.Contains(
            "boom",
            items.First(i => i!["instanceId"]!.GetValue<string>() == "fail-1")!["output"]!.GetValue<string>(),
            StringComparison.Ordinal
        );
        Assert.Equal(HttpStatusCode.BadRequest, badStatus.StatusCode);
        Assert.Equal(HttpStatusCode.OK, purge.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, purgeAgain.StatusCode);
    }

    [Fact]
    public async Task Timeline_ShowsEveryHistoryEventAsHtml()
    {
        await Client.ScheduleNewOrchestrationInstanceAsync("Echo", "<b>", new StartOrchestrationOptions("timeline-1"));
        await Client.WaitForInstanceCompletionAsync("timeline-1");

        using var page = await Http.GetAsync(new Uri("/runtime/webhooks/durabletask/instances/timeline-1/timeline", UriKind.Relative));
        var html = await page.Content.ReadAsStringAsync();

        Assert.Equal("text/html", page.Content.Headers.ContentType!.MediaType);
        Assert.Contains("ExecutionStarted", html, StringComparison.Ordinal);
        Assert.Contains("ExecutionCompleted", html, StringComparison.Ordinal);
    }

    private DurableTaskClient Client => _app!.Services.GetRequiredService<DurableTaskClient>();
}
