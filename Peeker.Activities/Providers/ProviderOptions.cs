using System.ComponentModel.DataAnnotations;

namespace Peeker.Activities.Providers;

/// <summary>Where sandbox (<c>pk_test_</c>) provider calls go: the simulators in Peeker.Sandbox. Section <c>Providers:Sandbox</c>.</summary>
public sealed class SandboxProviderOptions
{
    public const string SectionName = "Providers:Sandbox";

    /// <summary>Root of the simulators; each provider lives under <c>{BaseUrl}/{provider}</c>. Defaults to the local host.</summary>
    [Required]
    [Url]
    public string BaseUrl { get; set; } = "http://127.0.0.1:7071/sandbox";
}

/// <summary>The short in-client retry budget (the durable layer retries for longer). Section <c>Providers:Retry</c>.</summary>
public sealed class ProviderRetryOptions
{
    public const string SectionName = "Providers:Retry";

    /// <summary>Retries after the first attempt (so attempts = 1 + this).</summary>
    [Range(0, 10)]
    public int MaxRetries { get; set; } = 3;

    /// <summary>First backoff delay; doubles per retry, with jitter.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>A provider <c>Retry-After</c> longer than this is not waited for in-process: the call fails retryable.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>Timeout of each single attempt.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>The base URL and credentials a client uses for one call: the live configuration or the sandbox derivation.</summary>
internal static class SandboxCredentials
{
    /// <summary>
    /// Sandbox secrets carry the partner id so the simulators keep state per partner: <c>sbx_{partnerId}</c>.
    /// They are not secret, but clients treat them exactly like live secrets (never logged).
    /// </summary>
    public static string SecretFor(string partnerId) => "sbx_" + partnerId;

    public static string BaseUrl(SandboxProviderOptions options, string provider, string path) =>
        options.BaseUrl.TrimEnd('/') + "/" + provider + path;
}
