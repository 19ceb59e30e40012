using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// Webhook settings. Bound by <c>AddPeekerWebhooks</c> from <c>AzureWebJobsStorage</c>, <c>Peeker:EncryptionKey</c>
/// and the optional section <c>Peeker:Webhooks</c> (<c>AttemptTimeout</c>, <c>TablePrefix</c>,
/// <c>RetrySchedule</c>, <c>EndpointWindow</c>).
/// </summary>
public sealed class WebhookOptions : IValidatableObject
{
    /// <summary>The optional configuration section for tuning.</summary>
    public const string SectionName = "Peeker:Webhooks";

    /// <summary>Most attempts a schedule may have.</summary>
    public const int MaxAttempts = 10;

    /// <summary>The spec's schedule (peeker-api.md 7.5): attempts at 0, +5 min, +30 min, +3 h and +24 h after the first.</summary>
    public static readonly IReadOnlyList<TimeSpan> DefaultRetrySchedule =
    [
        TimeSpan.Zero,
        TimeSpan.FromMinutes(5),
        TimeSpan.FromMinutes(30),
        TimeSpan.FromHours(3),
        TimeSpan.FromHours(24),
    ];

    /// <summary>The spec's wait for an endpoint: 24 h after the event.</summary>
    public static readonly TimeSpan DefaultEndpointWindow = TimeSpan.FromHours(24);

    /// <summary>Azure Storage connection string of the endpoint and event tables (<c>AzureWebJobsStorage</c>).</summary>
    [Required(ErrorMessage = "AzureWebJobsStorage is required by webhooks.")]
    public string StorageConnectionString { get; set; } = string.Empty;

    /// <summary>Base64 of 32 bytes: the AES-GCM key that encrypts webhook secrets at rest (<c>Peeker:EncryptionKey</c>).</summary>
    [Required(ErrorMessage = "Peeker:EncryptionKey is required by webhooks (base64 of 32 bytes).")]
    public string EncryptionKey { get; set; } = string.Empty;

    /// <summary>
    /// True only when the host runs in Development: a sandbox endpoint may then be <c>localhost</c> /
    /// <c>127.0.0.1</c> / <c>[::1]</c>. Set by <c>AddPeekerWebhooks</c> from the host environment after binding, so
    /// configuration cannot turn it on.
    /// </summary>
    public bool AllowLocalSandboxEndpoints { get; set; }

    /// <summary>Timeout of one delivery attempt (spec: 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Prefix of the table names (tests isolate themselves with it).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$|^$")]
    public string TablePrefix { get; set; } = string.Empty;

    /// <summary>
    /// Offsets of the attempts from the first one (<c>Peeker:Webhooks:RetrySchedule</c>, comma-separated
    /// <c>[d.]hh:mm:ss</c>): 1-10 offsets, the first 00:00:00, strictly increasing. Each delivery carries the schedule
    /// it started with in its input, so a change applies to new deliveries only.
    /// </summary>
    public IReadOnlyList<TimeSpan> RetrySchedule { get; set; } = DefaultRetrySchedule;

    /// <summary>
    /// How long an event waits for an endpoint to be configured (<c>Peeker:Webhooks:EndpointWindow</c>). At most 24 h:
    /// saving an endpoint wakes the waiting events of the last 24 h.
    /// </summary>
    [Range(
        typeof(TimeSpan),
        "00:00:01",
        "1.00:00:00",
        ErrorMessage = "Peeker:Webhooks:EndpointWindow must be between 00:00:01 and 1.00:00:00."
    )]
    public TimeSpan EndpointWindow { get; set; } = DefaultEndpointWindow;

    /// <summary>True for 1-10 offsets that start at zero and strictly increase.</summary>
    public static bool IsValidSchedule(IReadOnlyList<TimeSpan>? schedule) =>
        schedule is { Count: > 0 and <= MaxAttempts }
        && schedule[0] == TimeSpan.Zero
        && schedule.Zip(schedule.Skip(1)).All(pair => pair.First < pair.Second);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!IsValidSchedule(RetrySchedule))
        {
            yield return new ValidationResult(
                "Peeker:Webhooks:RetrySchedule must be 1-10 comma-separated offsets ([d.]hh:mm:ss) from the first attempt, starting at 00:00:00 and strictly increasing.",
                [nameof(RetrySchedule)]
            );
        }
    }
}
