using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Smartlead;

/// <summary>Live Smartlead. Section <c>Providers:Smartlead</c>.</summary>
public sealed class SmartleadOptions
{
    public const string SectionName = "Providers:Smartlead";

    public bool Enabled { get; set; }

    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://server.smartlead.ai/api/v1";

    /// <summary>Default (agency) API key for live calls that do not pass the customer's key.</summary>
    public string? ApiKey { get; set; }

    /// <summary>Client-side throttle per API key (Smartlead Standard plan: 60/min).</summary>
    [Range(1, 10_000)]
    public int RequestsPerMinute { get; set; } = 60;
}
