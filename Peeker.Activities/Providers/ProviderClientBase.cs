using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
using Polly.RateLimiting;
using Polly.Timeout;

namespace Peeker.Activities.Providers;

/// <summary>
/// Sends a request through the resilient client and turns transport failures into <see cref="ProviderException"/>.
/// Logs method, path (never the query, which may hold an API key) and status only.
/// </summary>
public abstract class ProviderClientBase(HttpClient http, ILogger logger, string provider)
{
    protected static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    protected string Provider => provider;

    /// <summary>Sends <paramref name="request"/>; the caller owns the response.</summary>
    protected async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var path = request.RequestUri?.AbsolutePath ?? "?";
        try
        {
            var response = await http.SendAsync(request, HttpCompletionOption.ResponseContentRead, cancellationToken);
            logger.LogDebug("{Provider} {Method} {Path} -> {Status}", provider, request.Method, path, (int)response.StatusCode);
            return response;
        }
        catch (HttpRequestException ex)
        {
            logger.LogWarning("{Provider} {Method} {Path} failed: {Error}", provider, request.Method, path, ex.HttpRequestError);
            throw new ProviderException(
                provider,
                "network_error",
                $"{request.Method} {path} failed ({ex.HttpRequestError}).",
                isRetryable: true,
                innerException: ex
            );
        }
        catch (RateLimiterRejectedException ex)
        {
            // Our own pacing queue is full: the provider was not called; the durable retry comes back later.
            logger.LogWarning("{Provider} {Method} {Path} not sent: the pacing queue is full", provider, request.Method, path);
            throw new ProviderException(
                provider,
                "rate_limited",
                $"{request.Method} {path} not sent: too many calls waiting for the provider's rate.",
                isRetryable: true,
                retryAfter: ex.RetryAfter,
                innerException: ex
            );
        }
        catch (Exception ex)
            when (ex is TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            logger.LogWarning("{Provider} {Method} {Path} timed out", provider, request.Method, path);
            throw new ProviderException(provider, "timeout", $"{request.Method} {path} timed out.", isRetryable: true, innerException: ex);
        }
    }

    /// <summary>Reads a JSON body, or fails with a non-retryable <c>bad_response</c>.</summary>
    protected async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken) ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new ProviderException(
                provider,
                "bad_response",
                $"Unreadable response ({ex.Message}).",
                isRetryable: false,
                statusCode: (int)response.StatusCode,
                innerException: ex
            );
        }
    }

    /// <summary>
    /// Sends a JSON request for the access token of <paramref name="target"/> (the client's <see cref="BearerTokenHandler"/>
    /// adds it; null: the provider's only token), plus <paramref name="headers"/>. A status equal to
    /// <paramref name="tolerated"/> comes back without a body; any other failure is mapped by <paramref name="toException"/>
    /// from status, body and Retry-After; a 204, or a <see cref="JsonElement"/> result (the caller ignores the body), is not read.
    /// </summary>
    private protected async Task<(T? Result, HttpStatusCode Status)> SendJsonAsync<T>(
        HttpMethod method,
        string url,
        object? body,
        TokenTarget? target,
        IReadOnlyDictionary<string, string>? headers,
        HttpStatusCode? tolerated,
        Func<HttpStatusCode, string, TimeSpan?, ProviderException> toException,
        CancellationToken cancellationToken
    )
    {
        using var request = new HttpRequestMessage(method, url);
        if (target is not null)
        {
            request.Options.Set(TokenTarget.OptionKey, target);
        }

        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.Add(name, value);
        }

        if (body is not null)
        {
            request.Content = JsonContent.Create(body, body.GetType(), options: Json);
        }

        using var response = await SendAsync(request, cancellationToken);
        if (response.StatusCode == tolerated)
        {
            return (default, response.StatusCode);
        }

        if (!response.IsSuccessStatusCode)
        {
            throw toException(
                response.StatusCode,
                await response.Content.ReadAsStringAsync(cancellationToken),
                ProviderResilience.RetryAfterOf(response)
            );
        }

        if (response.StatusCode == HttpStatusCode.NoContent || typeof(T) == typeof(JsonElement))
        {
            return (default, response.StatusCode);
        }

        return (await ReadJsonAsync<T>(response, cancellationToken), response.StatusCode);
    }

    /// <summary>The generic failure for a status with no provider-specific meaning.</summary>
    protected ProviderException HttpFailure(HttpResponseMessage response, string? code = null, string? message = null) =>
        new(
            provider,
            code ?? "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            message ?? response.ReasonPhrase ?? response.StatusCode.ToString(),
            ProviderResilience.IsTransient(response.StatusCode),
            ProviderResilience.RetryAfterOf(response),
            (int)response.StatusCode
        );

    protected static bool IsStatus(HttpResponseMessage response, HttpStatusCode status) => response.StatusCode == status;
}
