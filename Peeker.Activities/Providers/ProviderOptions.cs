using System.ComponentModel.DataAnnotations;
using Peeker.Activities.Common;

namespace Peeker.Activities.Providers;

/// <summary>Where sandbox (<c>pk_test_</c>) provider calls go: the simulators in Peeker.Sandbox. Section <c>Providers:Sandbox</c>.</summary>
public sealed class SandboxProviderOptions
{
    public const string SectionName = "Providers:Sandbox";

    /// <summary>Where the simulators are when nothing says otherwise: <c>run.sh</c>'s host.</summary>
    public const string DefaultBaseUrl = "http://127.0.0.1:7071/sandbox";

    /// <summary>
    /// Root of the simulators; each provider lives under <c>{BaseUrl}/{provider}</c>. Unset: the simulators of this
    /// host, at the address it listens on (<see cref="UseListener"/>), else <see cref="DefaultBaseUrl"/>.
    /// </summary>
    [Url]
    public string? BaseUrl { get; set; }

    /// <summary>The simulators of this host, set once the server listens; not bound from configuration (private setter).</summary>
    public string? ListenerBaseUrl { get; private set; }

    /// <summary>The root sandbox calls use: the operator's <see cref="BaseUrl"/>, else this host's simulators, else the default.</summary>
    public string EffectiveBaseUrl => BaseUrl ?? ListenerBaseUrl ?? DefaultBaseUrl;

    /// <summary>Records where this host's simulators listen (<c>{server address}/sandbox</c>).</summary>
    public void UseListener(string sandboxBaseUrl) => ListenerBaseUrl = sandboxBaseUrl;

    /// <summary>
    /// The simulators' shared secret, sent in <c>X-Peeker-Sandbox-Secret</c> on every sandbox call (and only there).
    /// Unset: sandbox provider calls fail fast with <c>not_configured</c>.
    /// </summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The sandbox's Google service account key (JSON inline or a file path): the host signs its JWT-bearer assertions
    /// with it and the simulator checks them against its public key. Unset with the simulators mounted in the host: one
    /// is generated at startup (<see cref="SandboxIdentity.GenerateGoogleKey"/>); set it on both sides when the
    /// simulators run elsewhere.
    /// </summary>
    public string? GoogleServiceAccountKey { get; set; }
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

    /// <summary>
    /// The named client for a sandbox or live call to <paramref name="provider"/>; a sandbox call fails fast when no
    /// sandbox secret is configured.
    /// </summary>
    public static string ClientNameFor(ProviderScope scope, SandboxProviderOptions options, string provider)
    {
        if (scope.Environment != PeekerEnvironment.Test)
        {
            return provider;
        }

        return string.IsNullOrEmpty(options.Secret)
            ? throw new ProviderException(
                provider,
                "not_configured",
                "Sandbox provider calls need Providers:Sandbox:Secret.",
                isRetryable: false
            )
            : ClientName(provider);
    }

    /// <summary>The header the simulators read the shared secret from.</summary>
    public const string SecretHeader = "X-Peeker-Sandbox-Secret";

    public static string BaseUrl(SandboxProviderOptions options, string provider, string path) =>
        options.EffectiveBaseUrl.TrimEnd('/') + "/" + provider + path;

    /// <summary>The named client for sandbox calls to <paramref name="provider"/> (it adds the secret header).</summary>
    public static string ClientName(string provider) => provider + ".sandbox";

    /// <summary>
    /// The named client for <paramref name="scope"/>: the live one, or the sandbox one (which adds the secret header);
    /// a sandbox call fails fast when no sandbox secret is configured.
    /// </summary>
    public static HttpClient HttpClientFor(IHttpClientFactory clients, ProviderScope scope, SandboxProviderOptions options, string provider)
    {
        if (scope.Environment != PeekerEnvironment.Test)
        {
            return clients.CreateClient(provider);
        }

        return string.IsNullOrEmpty(options.Secret)
            ? throw new ProviderException(
                provider,
                "not_configured",
                "Sandbox provider calls need Providers:Sandbox:Secret.",
                isRetryable: false
            )
            : clients.CreateClient(ClientName(provider));
    }
}

/// <summary>Adds the sandbox secret header to requests of the sandbox named clients (never to live ones).</summary>
internal sealed class SandboxSecretHandler(SandboxProviderOptions options) : DelegatingHandler
{
    protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Headers.Remove(SandboxCredentials.SecretHeader);
        request.Headers.TryAddWithoutValidation(SandboxCredentials.SecretHeader, options.Secret);
        return base.SendAsync(request, cancellationToken);
    }
}
