namespace Peeker.Sandbox;

/// <summary>
/// The simulators' own settings, bound from <c>Providers:Sandbox</c> (the section the sandbox provider clients read
/// their base URL and secret from; the simulators share no types with the clients).
/// </summary>
public sealed class SandboxOptions
{
    /// <summary>Configuration section.</summary>
    public const string SectionName = "Providers:Sandbox";

    /// <summary>The request header carrying <see cref="Secret"/> on every simulator call.</summary>
    public const string SecretHeader = "X-Peeker-Sandbox-Secret";

    /// <summary>Shortest accepted <see cref="Secret"/>.</summary>
    public const int MinSecretLength = 16;

    /// <summary>
    /// Whether the host mounts the simulators under <c>/sandbox</c>. Unset: on in Development, off in every other
    /// environment (see <see cref="SandboxServiceCollectionExtensions.IsSandboxEnabled"/>).
    /// </summary>
    public bool? Enabled { get; set; }

    /// <summary>Shared secret every simulator call must carry in <see cref="SecretHeader"/>; required when mounted.</summary>
    public string? Secret { get; set; }

    /// <summary>
    /// The sandbox Google service account key (Google's JSON key, inline or a file path) whose public key the simulated
    /// token endpoint checks JWT-bearer assertions against. The host generates one when it mounts the simulators and
    /// none is configured.
    /// </summary>
    public string? GoogleServiceAccountKey { get; set; }

    /// <summary>
    /// Certificates of sandbox Entra apps, by client id (<c>sbx_{partnerId}</c>): the public certificate as PEM (inline
    /// or a file path) or base64 DER. The simulated Entra token endpoint accepts a <c>client_assertion</c> from a client
    /// only when it is signed by that client's certificate here (the live certificate sign-in, rehearsed).
    /// </summary>
    public Dictionary<string, string> MicrosoftClientCertificates { get; } = new(StringComparer.Ordinal);

    /// <summary>
    /// Sandbox Entra apps (client ids, <c>sbx_{partnerId}</c>; <c>*</c> for all) whose Partner Center calls need an
    /// app+user token (the refresh-token flow), as live Partner Center does for most operations: app-only tokens get 401.
    /// </summary>
    public HashSet<string> PartnerCenterAppUserClients { get; } = new(StringComparer.Ordinal);

    /// <summary>Lifetime of the refresh tokens the simulated Entra endpoint issues (rotated on every use).</summary>
    public TimeSpan RefreshTokenLifetime { get; set; } = TimeSpan.FromDays(90);

    /// <summary>Lifetime of the access tokens the simulated token endpoints issue (Google and Entra: about an hour).</summary>
    public TimeSpan TokenLifetime { get; set; } = TimeSpan.FromSeconds(3599);

    /// <summary>Largest accepted request body (1 MiB by default; the clients send a few KiB at most).</summary>
    public long MaxBodyBytes { get; set; } = 1024 * 1024;

    /// <summary>Most rate-limit counters kept in memory; beyond it new callers are answered 429 until windows expire.</summary>
    public int MaxTrackedCounters { get; set; } = 10_000;
}
