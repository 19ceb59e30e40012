using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Google;

/// <summary>
/// Live Google Workspace reseller. Section <c>Providers:Google</c>. <see cref="AccessToken"/> is an OAuth access token of
/// the reseller admin (service account with domain-wide delegation; acquiring and refreshing it is outside this client).
/// </summary>
public sealed class GoogleWorkspaceOptions : IValidatableObject
{
    public const string SectionName = "Providers:Google";

    public bool Enabled { get; set; }

    [Required]
    [Url]
    public string ResellerBaseUrl { get; set; } = "https://reseller.googleapis.com/apps/reseller/v1";

    [Required]
    [Url]
    public string DirectoryBaseUrl { get; set; } = "https://admin.googleapis.com/admin/directory/v1";

    [Required]
    [Url]
    public string SiteVerificationBaseUrl { get; set; } = "https://www.googleapis.com/siteVerification/v1";

    public string? AccessToken { get; set; }

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(AccessToken))
        {
            yield return new ValidationResult($"{SectionName}:{nameof(AccessToken)} is required when live Google calls are enabled.", [nameof(AccessToken)]);
        }
    }
}
