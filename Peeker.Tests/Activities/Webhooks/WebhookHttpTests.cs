using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Webhooks;

public sealed class WebhookHttpTests
{
    [Fact]
    public async Task Handler_LiveRequestToLoopback_IsBlockedAtConnectTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
        using var client = new HttpClient(WebhookHttp.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url);
        request.Options.Set(
            OutboundHttpGuard.AllowLocalDevelopmentHostOption,
            WebhookUrlPolicy.AllowsLocalHost(PeekerEnvironment.Live, localDevelopment: true)
        );

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));

        Assert.Contains("blocked", error.Message + error.InnerException?.Message, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Handler_SandboxRequestToLoopbackInDevelopment_Connects()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 204));
        using var client = new HttpClient(WebhookHttp.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url);
        request.Options.Set(
            OutboundHttpGuard.AllowLocalDevelopmentHostOption,
            WebhookUrlPolicy.AllowsLocalHost(PeekerEnvironment.Test, localDevelopment: true)
        );

        using var response = await client.SendAsync(request);

        Assert.Equal(204, (int)response.StatusCode);
    }

    [Fact]
    public async Task Handler_SandboxRequestToLoopbackOutsideDevelopment_IsBlockedAtConnectTime()
    {
        await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 204));
        using var client = new HttpClient(WebhookHttp.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url);
        request.Options.Set(
            OutboundHttpGuard.AllowLocalDevelopmentHostOption,
            WebhookUrlPolicy.AllowsLocalHost(PeekerEnvironment.Test, localDevelopment: false)
        );

        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.SendAsync(request));

        Assert.Contains("blocked", error.Message + error.InnerException?.Message, StringComparison.Ordinal);
        Assert.Empty(receiver.Requests);
    }

    [Fact]
    public async Task Handler_Redirect_IsNotFollowed()
    {
        await using var receiver = await WebhookReceiver.StartAsync(
            (_, c) =>
            {
                c.Response.StatusCode = 307;
                c.Response.Headers.Location = "/moved";
                return Task.CompletedTask;
            }
        );
        using var client = new HttpClient(WebhookHttp.CreateHandler());
        using var request = new HttpRequestMessage(HttpMethod.Post, receiver.Url);
        request.Options.Set(
            OutboundHttpGuard.AllowLocalDevelopmentHostOption,
            WebhookUrlPolicy.AllowsLocalHost(PeekerEnvironment.Test, localDevelopment: true)
        );

        using var response = await client.SendAsync(request);

        Assert.Equal(307, (int)response.StatusCode);
        Assert.Single(receiver.Requests);
    }
}
