using System.ComponentModel.DataAnnotations;

namespace Peeker.Functions.Admin;

/// <summary>
/// The operators' bearer keys, bound from the <c>Peeker</c> section and validated at startup: <c>Peeker:AdminKey</c>
/// for partner administration (<c>/admin/v1</c>, webhook admin routes, sandbox <c>_inspect</c>) and
/// <c>Peeker:ManagementKey</c> for the engine's management API (<c>/runtime/webhooks/durabletask</c>, which can start,
/// terminate, rewind and purge any orchestration). Without a management key the management API refuses every request.
/// </summary>
public sealed class AdminKeyOptions : IValidatableObject
{
    /// <summary>Bearer key of partner administration.</summary>
    [Required(ErrorMessage = "Peeker:AdminKey is required.")]
    [MinLength(16, ErrorMessage = "Peeker:AdminKey must be at least 16 characters.")]
    public string AdminKey { get; set; } = string.Empty;

    /// <summary>Bearer key of the management API; unset (the default outside Development) turns the API off.</summary>
    public string? ManagementKey { get; set; }

    /// <inheritdoc />
    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        if (!string.IsNullOrEmpty(ManagementKey) && ManagementKey.Length < 16)
        {
            yield return new ValidationResult(
                "Peeker:ManagementKey must be at least 16 characters (or unset, which turns the management API off).",
                [nameof(ManagementKey)]
            );
        }

        if (!string.IsNullOrEmpty(ManagementKey) && string.Equals(ManagementKey, AdminKey, StringComparison.Ordinal))
        {
            yield return new ValidationResult("Peeker:ManagementKey must differ from Peeker:AdminKey.", [nameof(ManagementKey)]);
        }
    }
}

/// <summary>Registers <see cref="AdminKeyOptions"/>.</summary>
public static class AdminKeyServiceCollectionExtensions
{
    /// <summary>Binds the <c>Peeker</c> section's admin keys; a missing, short or shared key stops the host at startup naming it.</summary>
    public static IServiceCollection AddPeekerAdminKeys(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<AdminKeyOptions>().Bind(configuration.GetSection("Peeker")).ValidateDataAnnotations().ValidateOnStart();
        return services;
    }
}
