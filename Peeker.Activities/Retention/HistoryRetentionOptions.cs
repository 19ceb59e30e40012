using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Retention;

/// <summary>
/// How long orchestration histories (which hold customer emails and persona names in plain text) are kept once the
/// instance has finished; bound from <c>Peeker:HistoryRetention</c>.
/// </summary>
public sealed class HistoryRetentionOptions : IValidatableObject
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Peeker:HistoryRetention";

    /// <summary>False stops the host from starting the purge job (an already running job keeps running).</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Completed, failed and terminated instances created longer ago than this are purged.</summary>
    public TimeSpan Retention { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Time between two purges (a durable timer; a shorter one is for tests and drills).</summary>
    public TimeSpan Interval { get; set; } = TimeSpan.FromDays(1);

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Retention < TimeSpan.FromHours(1))
        {
            yield return new ValidationResult(
                "Peeker:HistoryRetention:Retention must be at least 01:00:00 (running work must keep its history).",
                [nameof(Retention)]
            );
        }

        if (Interval < TimeSpan.FromSeconds(1) || Interval > TimeSpan.FromDays(30))
        {
            yield return new ValidationResult(
                "Peeker:HistoryRetention:Interval must be between 00:00:01 and 30.00:00:00.",
                [nameof(Interval)]
            );
        }
    }
}
