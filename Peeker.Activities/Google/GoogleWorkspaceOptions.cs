using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Google;

/// <summary>
/// Live Google Workspace reseller. Section <c>Providers:Google</c>. Calls are signed in with Google.Apis.Auth: the
/// service account key <see cref="ServiceAccountKey"/> with domain-wide delegation, impersonating the reseller admin
/// <see cref="AdminUser"/>, for <see cref="Scopes"/>.
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

    /// <summary>The service account's JSON key: the file's path, or its JSON inline (a secret; never logged).</summary>
    public string? ServiceAccountKey { get; set; }

    /// <summary>The reseller domain's admin the service account acts as (the JWT's <c>sub</c>).</summary>
    public string? AdminUser { get; set; }

    /// <summary>The delegated scopes; default <see cref="GoogleScopes.All"/>.</summary>
    public List<string> Scopes { get; set; } = [];

    /// <summary>The configured scopes, or every scope the client needs.</summary>
    public IReadOnlyList<string> EffectiveScopes => Scopes.Count > 0 ? Scopes : GoogleScopes.All;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (GoogleServiceAccountKey.Load(ServiceAccountKey) is null)
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ServiceAccountKey)} must be a service account JSON key (inline or a readable file path) with client_email and private_key when live Google calls are enabled.",
                [nameof(ServiceAccountKey)]
            );
        }

        if (string.IsNullOrWhiteSpace(AdminUser) || !AdminUser.Contains('@', StringComparison.Ordinal))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AdminUser)} (the reseller admin's email) is required when live Google calls are enabled.",
                [nameof(AdminUser)]
            );
        }
    }
}
