using Microsoft.Extensions.Time.Testing;
using Peeker.Sandbox.State;

namespace Peeker.Tests.Sandbox;

public sealed class SandboxRateLimitsTests
{
    [Fact]
    public void Hit_MoreCallersThanTheCap_NewCallerRefusedUntilWindowsExpire()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var limits = new SandboxRateLimits(time, maxCounters: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.Null(limits.Hit("smartlead", $"ptn_{i}", 60, TimeSpan.FromMinutes(1)));
        }

        var refused = limits.Hit("smartlead", "ptn_invented", 60, TimeSpan.FromMinutes(1));
        time.Advance(TimeSpan.FromMinutes(1));
        var later = limits.Hit("smartlead", "ptn_invented", 60, TimeSpan.FromMinutes(1));

        Assert.NotNull(refused);
        Assert.Null(later);
        Assert.Equal(1, limits.Count);
    }

    [Fact]
    public void Hit_OverTheLimitInOneWindow_AnswersSecondsUntilReset()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 20, TimeSpan.Zero));
        var limits = new SandboxRateLimits(time);

        Assert.Null(limits.Hit("cloudflare", "ptn_a", 1, TimeSpan.FromMinutes(1)));
        Assert.Equal(40, limits.Hit("cloudflare", "ptn_a", 1, TimeSpan.FromMinutes(1)));
    }

    [Fact]
    public void RefusedFor_CallsOverTheLimit_CountedPerProviderForThatPartnerOnly()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var limits = new SandboxRateLimits(time);
        for (var i = 0; i < 5; i++)
        {
            limits.Hit("smartlead", "ptn_a", 2, TimeSpan.FromMinutes(1));
            limits.Hit("smartlead", "ptn_b", 10, TimeSpan.FromMinutes(1));
        }

        limits.Hit("cloudflare", "ptn_a", 1, TimeSpan.FromMinutes(5));

        Assert.Equal(new Dictionary<string, long> { ["smartlead"] = 3 }, limits.RefusedFor("ptn_a"));
        Assert.Empty(limits.RefusedFor("ptn_b"));
    }
}
