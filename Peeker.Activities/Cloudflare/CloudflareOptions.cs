using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Cloudflare;

/// <summary>The live Cloudflare account. Section <c>Providers:Cloudflare</c>; credentials required when <see cref="Enabled"/>.</summary>
public sealed class CloudflareOptions : IValidatableObject
{
    public const string SectionName = "Providers:Cloudflare";

    public bool Enabled { get; set; }

    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://api.cloudflare.com/client/v4";

    /// <summary>API token (Bearer) with Zone:Edit, DNS:Edit and Zone Rulesets:Edit.</summary>
    public string? ApiToken { get; set; }

    public string? AccountId { get; set; }

    /// <summary>Client-side pacing per token (Cloudflare: 1,200 requests per 5 minutes per user/account token).</summary>
    [Range(1, 100_000)]
    public int RequestsPer5Minutes { get; set; } = 1200;

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (Enabled && string.IsNullOrWhiteSpace(ApiToken))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ApiToken)} is required when live Cloudflare calls are enabled.",
                [nameof(ApiToken)]
            );
        }

        if (Enabled && string.IsNullOrWhiteSpace(AccountId))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(AccountId)} is required when live Cloudflare calls are enabled.",
                [nameof(AccountId)]
            );
        }
    }
}
