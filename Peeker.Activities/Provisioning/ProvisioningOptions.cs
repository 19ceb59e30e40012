using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Provisioning;

/// <summary>Provisioning settings (section <c>Provisioning</c>).</summary>
public sealed class ProvisioningOptions
{
    public const string SectionName = "Provisioning";

    /// <summary>Domains of one order provisioned at the same time (provider rate limits bound it).</summary>
    [Range(1, 100)]
    public int MaxParallelDomains { get; set; } = 10;

    /// <summary>Inboxes created on each Microsoft domain.</summary>
    [Range(1, 50)]
    public int MicrosoftInboxesPerDomain { get; set; } = 3;

    /// <summary>Usage location of Microsoft users (ISO country code).</summary>
    [Required]
    public string MicrosoftUsageLocation { get; set; } = "US";

    /// <summary>How long a domain may wait for its zone to activate and for verification before the order fails.</summary>
    public TimeSpan PropagationTimeout { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long an import waits for the customer to switch a domain's nameservers before that domain fails.</summary>
    public TimeSpan ImportNameserverTimeout { get; set; } = TimeSpan.FromHours(72);

    /// <summary>How long <c>POST /domains/import</c> waits for the zones (and so the nameservers to show) before it answers.</summary>
    public TimeSpan ImportResponseWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Secret (base64, 32 bytes) from which inbox passwords are derived; never logged or stored in history.</summary>
    [Required]
    public string InboxPasswordKey { get; set; } = string.Empty;
}
