namespace Peeker.Activities.Partners;

/// <summary>
/// A partner's plan tier (spec section 8.3): sets the premium-swap quota, the share of the partner's active Microsoft
/// inboxes that may be kept warm by running premium swaps at once. New partners are <c>base</c>; operators change it
/// through the admin API.
/// </summary>
public static class PlanTiers
{
    public const string Base = "base";
    public const string Premium = "premium";
    public const string Vip = "vip";
    public const string VipPlus = "vip_plus";

    /// <summary>Every tier, cheapest first.</summary>
    public static readonly IReadOnlyList<string> All = [Base, Premium, Vip, VipPlus];

    /// <summary>The premium-swap quota of <paramref name="tier"/> in percent of active Microsoft inboxes (unknown tiers count as base).</summary>
    public static int PremiumSwapPercent(string? tier) =>
        tier switch
        {
            Premium => 30,
            Vip => 40,
            VipPlus => 60,
            _ => 20,
        };
}
