using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Forwarding;

namespace Peeker.Tests.Activities.Forwarding;

/// <summary>The target rules of a forwarding job that need no outside network.</summary>
public sealed class CheckForwardingTargetTests
{
    private static readonly ServiceProvider Services = new ServiceCollection().AddHttpClient().BuildServiceProvider();

    [Theory]
    [InlineData(PeekerEnvironment.Test, "ftp://files.acme.com", "invalid_target")]
    [InlineData(PeekerEnvironment.Test, "acme.com/landing", "invalid_target")]
    [InlineData(PeekerEnvironment.Test, "https://user:pass@acme.com/", "invalid_target")]
    [InlineData(PeekerEnvironment.Test, "https://www.brand-mail.com/", "invalid_target")]
    [InlineData(PeekerEnvironment.Test, "https://unreachable-site.acme.com/", "target_unreachable")]
    [InlineData(PeekerEnvironment.Test, "https://acme.com/landing", null)]
    [InlineData(PeekerEnvironment.Live, "http://127.0.0.1:9/", "invalid_target")]
    [InlineData(PeekerEnvironment.Live, "https://10.1.2.3/", "invalid_target")]
    [InlineData(PeekerEnvironment.Live, "http://169.254.169.254/latest/meta-data", "invalid_target")]
    public async Task Target_IsJudgedBeforeAnyDomainChanges(PeekerEnvironment environment, string url, string? reason)
    {
        var activity = new CheckForwardingTarget(Services.GetRequiredService<IHttpClientFactory>());

        var result = await activity.RunAsync(
            new TestActivityContext(nameof(CheckForwardingTarget), "fwj_test"),
            new CheckForwardingTargetInput(new ForwardingJobRef("fwj_test", environment, "org_test"), url, ["brand-mail.com"])
        );

        Assert.Equal(reason, result.Reason);
    }
}
