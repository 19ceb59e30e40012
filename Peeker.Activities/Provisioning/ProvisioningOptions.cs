using System.ComponentModel.DataAnnotations;
using Peeker.Activities.Common;

namespace Peeker.Activities.Provisioning;

/// <summary>Provisioning settings (section <c>Provisioning</c>).</summary>
public sealed class ProvisioningOptions : IValidatableObject
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

    /// <summary>Settings that apply to <c>pk_test_</c> orders only (section <c>Provisioning:Sandbox</c>).</summary>
    public SandboxProvisioningOptions Sandbox { get; set; } = new();

    /// <summary>
    /// The propagation budget of an order in <paramref name="environment"/>: the live <see cref="PropagationTimeout"/>,
    /// or for the sandbox the shorter of it and <see cref="SandboxProvisioningOptions.PropagationBudget"/>, so a partner
    /// rehearsing an <c>nsfail</c> order sees <c>order.failed</c> in minutes rather than a day.
    /// </summary>
    public TimeSpan PropagationBudgetFor(PeekerEnvironment environment)
    {
        var sandbox = Sandbox.PropagationBudget;
        var useSandbox =
            environment == PeekerEnvironment.Test
            && sandbox > TimeSpan.Zero
            && (PropagationTimeout <= TimeSpan.Zero || sandbox < PropagationTimeout);
        return useSandbox ? sandbox : PropagationTimeout;
    }

    /// <summary>How often Peeker re-checks an open pending action on its own (the partner's fix triggers a check at once).</summary>
    public TimeSpan PendingActionRecheckInterval { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How often a connected imported domain is checked for nameservers that no longer point at its zone.</summary>
    public TimeSpan NameserverWatchInterval { get; set; } = TimeSpan.FromHours(6);

    /// <summary>How long an import waits for the customer to switch a domain's nameservers before that domain fails.</summary>
    public TimeSpan ImportNameserverTimeout { get; set; } = TimeSpan.FromHours(72);

    /// <summary>
    /// Synchronous imports (<c>POST /domains/import</c>) one host runs at once: the Cloudflare account's capacity for
    /// zone creation while a partner waits. One more answers 429 <c>rate_limited</c> with
    /// <c>details.reason: cloudflare_account_capacity</c>; import jobs queue instead and never get it.
    /// </summary>
    [Range(1, 1000)]
    public int SyncImportCapacity { get; set; } = 20;

    /// <summary>How long <c>POST /domains/import</c> waits for the zones (and so the nameservers to show) before it answers.</summary>
    public TimeSpan ImportResponseWait { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Secrets (base64, at least 32 bytes each) inbox passwords are derived from, by key id
    /// (<c>Provisioning:InboxPasswordKeys:{id}</c>). A retired key stays configured while orders derived under it live.
    /// Never logged or stored in history.
    /// </summary>
    public Dictionary<string, string> InboxPasswordKeys { get; set; } = new(StringComparer.OrdinalIgnoreCase);

    /// <summary>The key id new orders derive their inbox passwords under (it must be in <see cref="InboxPasswordKeys"/>).</summary>
    [Required]
    [RegularExpression("^[A-Za-z0-9_-]{1,32}$")]
    public string InboxPasswordKeyId { get; set; } = string.Empty;

    /// <summary>The key of <paramref name="keyId"/>, or null when it is not configured (or not valid base64).</summary>
    public byte[]? InboxPasswordKeyBytes(string keyId)
    {
        var value = InboxPasswordKeys.FirstOrDefault(k => string.Equals(k.Key, keyId, StringComparison.OrdinalIgnoreCase)).Value;
        var bytes = new byte[64];
        return value is not null && Convert.TryFromBase64String(value, bytes, out var length) ? bytes[..length] : null;
    }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var id in InboxPasswordKeys.Keys)
        {
            if (InboxPasswordKeyBytes(id) is not { Length: >= 32 })
            {
                yield return new ValidationResult(
                    $"{SectionName}:{nameof(InboxPasswordKeys)}:{id} must be base64 of 32 to 64 bytes.",
                    [nameof(InboxPasswordKeys)]
                );
            }
        }

        if (!string.IsNullOrEmpty(InboxPasswordKeyId) && InboxPasswordKeyBytes(InboxPasswordKeyId) is null)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(InboxPasswordKeyId)} names a key missing from {SectionName}:{nameof(InboxPasswordKeys)}.",
                [nameof(InboxPasswordKeyId)]
            );
        }
    }
}

/// <summary>Provisioning settings of the sandbox (section <c>Provisioning:Sandbox</c>).</summary>
public sealed class SandboxProvisioningOptions
{
    /// <summary>
    /// How long a <c>pk_test_</c> domain may wait for its zone and verification (default 3 minutes, against the live
    /// 24 hours): the simulators answer at once unless a fault word says never, so a longer wait only delays the failure.
    /// </summary>
    public TimeSpan PropagationBudget { get; set; } = TimeSpan.FromMinutes(3);
}
