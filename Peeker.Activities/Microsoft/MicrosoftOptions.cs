using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Microsoft;

/// <summary>
/// Live Partner Center + Graph. Section <c>Providers:Microsoft</c>. Calls are signed in with Azure.Identity as Peeker's
/// multi-tenant Entra app (<see cref="ClientId"/> in the partner tenant <see cref="TenantId"/>) with a client secret or
/// a certificate: Partner Center tokens in the partner tenant, Graph tokens in each customer tenant (GDAP).
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

    /// <summary>The Entra login endpoint (Azure.Identity's AuthorityHost); https only.</summary>
    [Required]
    [Url]
    public string AuthorityHost { get; set; } = "https://login.microsoftonline.com/";

    /// <summary>The partner's own tenant (id or domain).</summary>
    public string? TenantId { get; set; }

    /// <summary>The app registration's client id.</summary>
    public string? ClientId { get; set; }

    /// <summary>The app's client secret (a secret; never logged). Not needed with a certificate.</summary>
    public string? ClientSecret { get; set; }

    /// <summary>A PFX file with the app's certificate and private key; preferred over <see cref="ClientSecret"/>.</summary>
    public string? CertificatePath { get; set; }

    /// <summary>The PFX's password, if any (a secret).</summary>
    public string? CertificatePassword { get; set; }

    [Required]
    public string PartnerCenterScope { get; set; } = "https://api.partnercenter.microsoft.com/.default";

    [Required]
    public string GraphScope { get; set; } = "https://graph.microsoft.com/.default";

    /// <summary>Partner Center's app+user flow (<c>Providers:Microsoft:PartnerCenter</c>).</summary>
    public PartnerCenterUserOptions PartnerCenter { get; set; } = new();

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(TenantId) || string.IsNullOrWhiteSpace(ClientId))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(TenantId)} and {SectionName}:{nameof(ClientId)} are required when live Microsoft calls are enabled.",
                [nameof(TenantId), nameof(ClientId)]
            );
        }

        if (string.IsNullOrWhiteSpace(ClientSecret) && string.IsNullOrWhiteSpace(CertificatePath))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ClientSecret)} or {SectionName}:{nameof(CertificatePath)} is required when live Microsoft calls are enabled.",
                [nameof(ClientSecret), nameof(CertificatePath)]
            );
        }

        if (!AuthorityHost.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AuthorityHost)} must be an https URL (Azure.Identity refuses others).",
                [nameof(AuthorityHost)]
            );
        }
    }
}

/// <summary>
/// Partner Center app+user sign-in: with <see cref="RefreshToken"/> set, Partner Center calls carry a token of the app
/// acting for the partner's Partner Center admin (<see cref="Scope"/>); without it they stay app-only.
/// </summary>
public sealed class PartnerCenterUserOptions
{
    /// <summary>The refresh token from the admin's one-time consent to Peeker's app (a secret; never logged).</summary>
    public string? RefreshToken { get; set; }

    /// <summary>The delegated Partner Center scope asked for with the refresh token.</summary>
    [Required]
    public string Scope { get; set; } = "https://api.partnercenter.microsoft.com/user_impersonation";
}
