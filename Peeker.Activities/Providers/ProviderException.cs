using Peeker.Durable.Retries;

namespace Peeker.Activities.Providers;

/// <summary>
/// A provider call that failed. <see cref="IsRetryable"/> tells the durable retry layer whether trying again later can
/// help; <see cref="RetryAfter"/> carries the provider's own hint. Messages never contain credentials.
/// </summary>
public sealed class ProviderException : Exception, IRetryClassified
{
    public ProviderException()
        : this(ProviderNames.Unknown, "unknown", "Provider call failed.", isRetryable: false) { }

    public ProviderException(string message)
        : this(ProviderNames.Unknown, "unknown", message, isRetryable: false) { }

    public ProviderException(string message, Exception innerException)
        : this(ProviderNames.Unknown, "unknown", message, isRetryable: false, innerException: innerException) { }

    public ProviderException(
        string provider,
        string code,
        string message,
        bool isRetryable,
        TimeSpan? retryAfter = null,
        int? statusCode = null,
        Exception? innerException = null
    )
        : base($"{provider}: {code}: {message}", innerException)
    {
        Provider = provider;
        Code = code;
        IsRetryable = isRetryable;
        RetryAfter = retryAfter;
        StatusCode = statusCode;
    }

    /// <summary>Which provider answered (<see cref="ProviderNames"/>).</summary>
    public string Provider { get; }

    /// <summary>The provider's error code as text (e.g. <c>1061</c>, <c>CountViolation</c>, <c>http_503</c>).</summary>
    public string Code { get; }

    /// <summary>True when the same call may succeed later (408, 429, 5xx, timeouts, provider backend errors).</summary>
    public bool IsRetryable { get; }

    /// <summary>The provider's <c>Retry-After</c>, when it sent one.</summary>
    public TimeSpan? RetryAfter { get; }

    /// <summary>The HTTP status, when there was a response.</summary>
    public int? StatusCode { get; }
}

/// <summary>Provider names used in <see cref="ProviderException.Provider"/>, HTTP client names and sandbox routes.</summary>
public static class ProviderNames
{
    public const string Registrar = "registrar";
    public const string Cloudflare = "cloudflare";
    public const string Google = "google";
    public const string Microsoft = "microsoft";
    public const string Smartlead = "smartlead";
    public const string Unknown = "unknown";
}
