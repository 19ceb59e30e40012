namespace Peeker.Activities.Bundles;

/// <summary>The Google/Microsoft split actually applied.</summary>
public sealed record EffectiveSplit(int GooglePercent, int MicrosoftPercent);

/// <summary>How many domains of each provider a bundle needs.</summary>
public sealed record RequiredDomains(int Google, int Microsoft, int Total);

/// <summary>
/// Bundle sizing (spec section 4): monthly volume over 22 weekdays (30 days with weekends), Google at 20 sends per
/// inbox per day times inboxes per domain, Microsoft at 150 sends per domain per day (the figure that reproduces the
/// published examples), each rounded up.
/// </summary>
public static class BundleSizing
{
    /// <summary>Sends per Google inbox per day.</summary>
    public const int GoogleSendsPerInbox = 20;

    /// <summary>Sends per Microsoft domain per day used for sizing.</summary>
    public const int MicrosoftSendsPerDomain = 150;

    /// <summary>The recommended split when both percents are null.</summary>
    public static readonly EffectiveSplit Recommended = new(50, 50);

    /// <summary>The split in force: explicit percents or the recommended split.</summary>
    public static EffectiveSplit Effective(int? googlePercent, int? microsoftPercent) =>
        googlePercent is { } g && microsoftPercent is { } m ? new EffectiveSplit(g, m) : Recommended;

    /// <summary>Required domains for a monthly volume and split.</summary>
    public static RequiredDomains Required(long monthlyVolume, EffectiveSplit split, bool sendOnWeekends, int googleInboxesPerDomain)
    {
        // Exact rational arithmetic: ceil(volume * percent / (days * 100 * perDomain)).
        long days = sendOnWeekends ? 30 : 22;
        var google = CeilDiv(monthlyVolume * split.GooglePercent, days * 100 * GoogleSendsPerInbox * googleInboxesPerDomain);
        var microsoft = CeilDiv(monthlyVolume * split.MicrosoftPercent, days * 100 * MicrosoftSendsPerDomain);
        return new RequiredDomains((int)google, (int)microsoft, (int)(google + microsoft));
    }

    private static long CeilDiv(long numerator, long denominator) => (numerator + denominator - 1) / denominator;
}
