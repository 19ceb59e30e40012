using System.Net;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;

namespace Peeker.Tests.Activities.Webhooks;

public sealed class WebhookUrlPolicyTests
{
    [Fact]
    public async Task CheckAsync_LivePublicHttpsAddress_IsAllowed()
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Live, "https://93.184.215.14/hooks/peeker", CancellationToken.None);

        Assert.True(check.IsAllowed, check.Reason);
    }

    [Fact]
    public async Task CheckAsync_LiveHttp_IsRejected()
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Live, "http://93.184.215.14/hooks", CancellationToken.None);

        Assert.False(check.IsAllowed);
        Assert.Contains("https", check.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://127.0.0.1/hook")] // loopback
    [InlineData("https://127.8.9.10/hook")] // loopback range
    [InlineData("https://localhost/hook")] // loopback by name
    [InlineData("https://[::1]/hook")] // IPv6 loopback
    [InlineData("https://10.1.2.3/hook")] // private
    [InlineData("https://172.20.0.5/hook")] // private
    [InlineData("https://192.168.1.1/hook")] // private
    [InlineData("https://169.254.169.254/latest/meta-data")] // link-local / AWS, GCP, Azure IMDS
    [InlineData("https://168.63.129.16/")] // Azure wire server
    [InlineData("https://100.100.100.200/")] // CGNAT / Alibaba metadata
    [InlineData("https://[fe80::1]/hook")] // IPv6 link-local
    [InlineData("https://[fd00:ec2::254]/")] // IPv6 unique local / AWS IMDS
    [InlineData("https://[::ffff:10.0.0.1]/hook")] // IPv4-mapped private
    [InlineData("https://0.0.0.0/hook")] // unspecified
    public async Task CheckAsync_LiveInternalAddress_IsRejected(string url)
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Live, url, CancellationToken.None);

        Assert.False(check.IsAllowed, url);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5005/hook")]
    [InlineData("http://localhost:5005/hook")]
    [InlineData("https://localhost:5005/hook")]
    public async Task CheckAsync_SandboxLocalDevelopmentUrlInDevelopment_IsAllowed(string url)
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Test, url, localDevelopment: true, CancellationToken.None);

        Assert.True(check.IsAllowed, check.Reason);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5005/hook")]
    [InlineData("http://localhost:5005/hook")]
    [InlineData("https://localhost:5005/hook")]
    [InlineData("https://[::1]:5005/hook")]
    public async Task CheckAsync_SandboxLocalDevelopmentUrlOutsideDevelopment_IsRejected(string url)
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Test, url, localDevelopment: false, CancellationToken.None);

        Assert.False(check.IsAllowed, url);
    }

    [Theory]
    [InlineData("http://127.0.0.1:5005/hook")]
    [InlineData("https://localhost:5005/hook")]
    public async Task CheckAsync_LiveLocalDevelopmentUrlInDevelopment_IsRejected(string url)
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Live, url, localDevelopment: true, CancellationToken.None);

        Assert.False(check.IsAllowed, url);
    }

    [Theory]
    [InlineData("http://10.0.0.7/hook")] // private, and http
    [InlineData("https://10.0.0.7/hook")] // private
    [InlineData("https://169.254.169.254/")] // metadata
    [InlineData("http://93.184.215.14/hook")] // http to a public host
    public async Task CheckAsync_SandboxOtherInternalOrPlainHttp_IsRejected(string url)
    {
        var check = await WebhookUrlPolicy.CheckAsync(PeekerEnvironment.Test, url, localDevelopment: true, CancellationToken.None);

        Assert.False(check.IsAllowed, url);
    }

    [Theory]
    [InlineData("")]
    [InlineData("not a url")]
    [InlineData("/relative/path")]
    [InlineData("ftp://93.184.215.14/")]
    [InlineData("https://user:pass@93.184.215.14/")]
    [InlineData("https://93.184.215.14/#fragment")]
    public void CheckSyntax_MalformedUrl_IsRejected(string url)
    {
        Assert.False(WebhookUrlPolicy.CheckSyntax(PeekerEnvironment.Live, url).IsAllowed);
    }

    [Fact]
    public void CheckAddresses_OnePublicAndOnePrivateAnswer_IsRejected()
    {
        // DNS answers rotate: one internal address among public ones is enough to refuse.
        var check = WebhookUrlPolicy.CheckAddresses(
            PeekerEnvironment.Live,
            "hooks.example.com",
            [IPAddress.Parse("93.184.215.14"), IPAddress.Parse("10.0.0.1")]
        );

        Assert.False(check.IsAllowed);
    }

    [Fact]
    public void CheckAddresses_SandboxNameOtherThanLocalhostResolvingToLoopback_IsRejected()
    {
        // A sandbox partner may use localhost, but not a public name that resolves to 127.0.0.1 (rebinding).
        var check = WebhookUrlPolicy.CheckAddresses(
            PeekerEnvironment.Test,
            "rebind.example.com",
            [IPAddress.Loopback],
            localDevelopment: true
        );

        Assert.False(check.IsAllowed);
    }
}
