using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Webhooks;

/// <summary>
/// Webhook settings. Bound by <c>AddPeekerWebhooks</c> from <c>AzureWebJobsStorage</c>, <c>Peeker:EncryptionKey</c>,
/// <c>Peeker:AdminKey</c> and the optional section <c>Peeker:Webhooks</c> (<c>AttemptTimeout</c>, <c>TablePrefix</c>).
/// </summary>
public sealed class WebhookOptions
{
    /// <summary>The optional configuration section for tuning.</summary>
    public const string SectionName = "Peeker:Webhooks";

    /// <summary>Azure Storage connection string of the endpoint and event tables (<c>AzureWebJobsStorage</c>).</summary>
    [Required(ErrorMessage = "AzureWebJobsStorage is required by webhooks.")]
    public string StorageConnectionString { get; set; } = string.Empty;

    /// <summary>Base64 of 32 bytes: the AES-GCM key that encrypts webhook secrets at rest (<c>Peeker:EncryptionKey</c>).</summary>
    [Required(ErrorMessage = "Peeker:EncryptionKey is required by webhooks (base64 of 32 bytes).")]
    public string EncryptionKey { get; set; } = string.Empty;

    /// <summary>The admin bearer key of <c>/admin/v1</c> (<c>Peeker:AdminKey</c>).</summary>
    public string? AdminKey { get; set; }

    /// <summary>Timeout of one delivery attempt (spec: 15 s).</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:05:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>Prefix of the table names (tests isolate themselves with it).</summary>
    [RegularExpression("^[A-Za-z][A-Za-z0-9]{0,20}$|^$")]
    public string TablePrefix { get; set; } = string.Empty;
}
