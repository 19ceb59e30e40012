using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Swaps;

/// <summary>Domain swap settings (section <c>Swaps</c>).</summary>
public sealed class SwapOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Swaps";

    /// <summary>How long a premium swap keeps the old domain warm next to the new one (spec: 14 days). Tests set seconds.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "90.00:00:00")]
    public TimeSpan WarmPeriod { get; set; } = TimeSpan.FromDays(14);

    /// <summary>
    /// How long a swap waits (<c>action_required</c>) for an imported replacement to become active before it fails with
    /// <c>replacement_not_imported</c>.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:01", "30.00:00:00")]
    public TimeSpan ReplacementWait { get; set; } = TimeSpan.FromHours(72);

    /// <summary>Least time between two premium swaps of the same domain (spec: 30 days).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "365.00:00:00")]
    public TimeSpan PremiumCooldown { get; set; } = TimeSpan.FromDays(30);
}
