using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// Live Partner Center + Graph. Section <c>Providers:Microsoft</c>. Tokens are OAuth access tokens (app + GDAP);
/// acquiring per-tenant Graph tokens is outside this client: live calls use <see cref="GraphAccessToken"/>.
/// </summary>
public sealed class MicrosoftOptions : IValidatableObject
{
    public const string SectionName = "Providers:Microsoft";

    public bool Enabled { get; set; }

    [Required]
    [Url]
    public string PartnerCenterBaseUrl { get; set; } = "https://api.partnercenter.microsoft.com/v1";

    [Required]
    [Url]
    public string GraphBaseUrl { get; set; } = "https://graph.microsoft.com/v1.0";

    public string? PartnerCenterAccessToken { get; set; }

    public string? GraphAccessToken { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && (string.IsNullOrWhiteSpace(PartnerCenterAccessToken) || string.IsNullOrWhiteSpace(GraphAccessToken)))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(PartnerCenterAccessToken)} and {SectionName}:{nameof(GraphAccessToken)} are required when live Microsoft calls are enabled.",
                [nameof(PartnerCenterAccessToken), nameof(GraphAccessToken)]);
        }
    }
}
