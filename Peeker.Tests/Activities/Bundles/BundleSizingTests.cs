using Peeker.Activities.Bundles;

namespace Peeker.Tests.Activities.Bundles;

public sealed class BundleSizingTests
{
    [Theory]
    [InlineData(25_000, null, null, false, 2, 15, 4)]
    [InlineData(100_000, 70, 30, false, 2, 80, 10)]
    [InlineData(25_000, null, null, true, 2, 11, 3)]
    [InlineData(25_000, null, null, false, 3, 10, 4)]
    [InlineData(10_000, 100, 0, false, 2, 12, 0)]
    public void Required_MatchesPublishedExamplesAndVariants(
        long volume,
        int? google,
        int? microsoft,
        bool weekends,
        int inboxes,
        int expectedGoogle,
        int expectedMicrosoft
    )
    {
        var required = BundleSizing.Required(volume, BundleSizing.Effective(google, microsoft), weekends, inboxes);

        Assert.Equal(expectedGoogle, required.Google);
        Assert.Equal(expectedMicrosoft, required.Microsoft);
        Assert.Equal(expectedGoogle + expectedMicrosoft, required.Total);
    }

    [Fact]
    public void Effective_BothNull_IsRecommended50_50()
    {
        Assert.Equal(new EffectiveSplit(50, 50), BundleSizing.Effective(null, null));
    }
}
