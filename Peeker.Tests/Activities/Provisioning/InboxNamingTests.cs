using Peeker.Activities.Provisioning;

namespace Peeker.Tests.Activities.Provisioning;

public sealed class InboxNamingTests
{
    [Fact]
    public void Plan_TwoPersonasFiveInboxes_RoundRobinThroughCandidates()
    {
        var plan = InboxNaming.Plan([("Sam", "Lee"), ("Ana", "Ruiz")], 5);

        Assert.Equal(["sam", "ana", "sam.lee", "ana.ruiz", "samlee"], plan.Select(p => p.LocalPart));
        Assert.Equal([0, 1, 0, 1, 0], plan.Select(p => p.Persona));
    }

    [Fact]
    public void Plan_AccentsAndSymbols_AreTransliteratedToLowercaseAscii()
    {
        var plan = InboxNaming.Plan([("José", "Ørsted-Müller")], 2);

        Assert.Equal(["jose", "jose.orstedmuller"], plan.Select(p => p.LocalPart));
    }

    [Fact]
    public void Plan_MoreInboxesThanCandidates_StaysUniqueWithNumbers()
    {
        var plan = InboxNaming.Plan([("Sam", "Lee")], 8);

        Assert.Equal(8, plan.Select(p => p.LocalPart).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(["sam", "sam.lee", "samlee", "slee", "sam_l", "sam.lee2", "sam.lee3", "sam.lee4"], plan.Select(p => p.LocalPart));
    }
}
