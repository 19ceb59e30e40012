using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Common;

/// <summary>
/// Partner API settings, bound from the <c>Peeker</c> section (<c>Peeker__EncryptionKey</c> in local settings). The
/// operator keys of that section are <c>AdminKeyOptions</c> in the host.
/// </summary>
public sealed class PeekerOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Peeker";

    /// <summary>Base64 of 32 bytes: AES-256-GCM key for sequencer credentials at rest.</summary>
    [Required]
    public string EncryptionKey { get; set; } = "";

    /// <summary>Development only: the demo partner's fixed sandbox key (created on first start).</summary>
    public string? DemoApiKey { get; set; }

    /// <summary>Requests per minute per API key, across all hosts.</summary>
    [Range(1, 1_000_000)]
    public int RateLimitPerMinute { get; set; } = 600;

    /// <summary>
    /// Permits a host reserves from the shared per-minute counter at once (one storage round trip per block, not per
    /// request); a host's unspent block is lost at the end of the minute.
    /// </summary>
    [Range(1, 1000)]
    public int RateLimitReservation { get; set; } = 10;

    /// <summary>Domain names per minute a partner may check for availability (per environment, across all hosts): the registrar's quota.</summary>
    [Range(1, 1_000_000)]
    public int AvailabilityNamesPerMinute { get; set; } = 250;

    /// <summary>
    /// Availability answers a host keeps in memory in front of the shared table (one per partner, environment and
    /// name); past it the least recently used are dropped and read from the table again.
    /// </summary>
    [Range(1, 10_000_000)]
    public int AvailabilityMemoryEntries { get; set; } = 100_000;

    /// <summary>Failed authentications per minute per client address (per host) before its requests get 429 without a key lookup.</summary>
    [Range(1, 1_000_000)]
    public int UnauthenticatedPerMinute { get; set; } = 60;

    /// <summary>Largest accepted request body.</summary>
    [Range(1024, 10_000_000)]
    public int MaxBodyBytes { get; set; } = 256 * 1024;

    /// <summary>Price of one Google license (one inbox) per month, in cents.</summary>
    [Range(0, 1_000_000)]
    public int GoogleLicenseCents { get; set; } = 100;

    /// <summary>Price of one Microsoft license (one domain) per month, in cents.</summary>
    [Range(0, 1_000_000)]
    public int MicrosoftLicenseCents { get; set; } = 900;

    /// <summary>TLDs Microsoft 365 cannot run (such domains are <c>usable_for: ["google"]</c>).</summary>
    public List<string> GoogleOnlyTlds { get; set; } = ["app", "dev"];

    /// <summary>
    /// Sandbox only (<c>pk_test_</c> keys): when set, a cancellation finishes this long after it is accepted instead of
    /// at the end of the renewal period, so partners can rehearse <c>order.cancelled</c>. Unset (the default), sandbox
    /// cancellations follow the live rule. Live orders always cancel at the end of the period.
    /// </summary>
    public TimeSpan? SandboxCancellationDelay { get; set; }

    /// <summary>
    /// Length of one renewal period. Unset (the default), a period is one calendar month (<c>renews_at</c> one month
    /// after <c>created_at</c>, then monthly); tests set seconds to watch the renewal loop move <c>renews_at</c>.
    /// </summary>
    public TimeSpan? RenewalPeriod { get; set; }

    /// <summary>The end of the period that starts at <paramref name="from"/>.</summary>
    public DateTimeOffset NextRenewal(DateTimeOffset from) =>
        RenewalPeriod is { } period && period > TimeSpan.Zero ? from + period : from.AddMonths(1);

    /// <summary>The 32-byte key, validated.</summary>
    public byte[] EncryptionKeyBytes()
    {
        var bytes = Convert.FromBase64String(EncryptionKey);
        return bytes.Length == 32 ? bytes : throw new InvalidOperationException("Peeker:EncryptionKey must be base64 of 32 bytes.");
    }
}
