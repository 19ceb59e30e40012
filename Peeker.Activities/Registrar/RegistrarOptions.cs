using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Registrar;

/// <summary>
/// The live Namecheap reseller account. Section <c>Providers:Registrar</c>. Credentials are required only when
/// <see cref="Enabled"/> (a development host runs on the sandbox alone).
/// </summary>
public sealed class RegistrarOptions : IValidatableObject
{
    public const string SectionName = "Providers:Registrar";

    /// <summary>True when live calls are allowed; then the credentials below must be set.</summary>
    public bool Enabled { get; set; }

    /// <summary>Namecheap API root (the endpoint is <c>{BaseUrl}/xml.response</c>).</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "https://api.namecheap.com";

    public string? ApiUser { get; set; }

    public string? ApiKey { get; set; }

    /// <summary>Defaults to <see cref="ApiUser"/>.</summary>
    public string? UserName { get; set; }

    /// <summary>The whitelisted IPv4 address our calls come from.</summary>
    public string? ClientIp { get; set; }

    /// <summary>
    /// After a purchase whose answer was lost (timeout, dropped connection, 5xx), how many times the account is
    /// re-read before the purchase is reported unconfirmed (a retryable failure, never "unavailable").
    /// </summary>
    [Range(1, 100)]
    public int PurchaseConfirmPolls { get; set; } = 10;

    /// <summary>The wait between those re-reads (the registrar may still be processing the purchase).</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan PurchaseConfirmInterval { get; set; } = TimeSpan.FromSeconds(3);

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!Enabled)
        {
            yield break;
        }

        if (string.IsNullOrWhiteSpace(ApiUser))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ApiUser)} is required when live registrar calls are enabled.",
                [nameof(ApiUser)]
            );
        }

        if (string.IsNullOrWhiteSpace(ApiKey))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ApiKey)} is required when live registrar calls are enabled.",
                [nameof(ApiKey)]
            );
        }

        if (string.IsNullOrWhiteSpace(ClientIp))
        {
            yield return new ValidationResult(
                $"{SectionName}:{nameof(ClientIp)} is required when live registrar calls are enabled.",
                [nameof(ClientIp)]
            );
        }
    }
}
