using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Microsoft.Extensions.Logging;
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
            throw new ProviderException(provider, "network_error", $"{request.Method} {path} failed ({ex.HttpRequestError}).", isRetryable: true, innerException: ex);
        }
        catch (Exception ex) when (ex is TimeoutRejectedException || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
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
            return await response.Content.ReadFromJsonAsync<T>(Json, cancellationToken)
                ?? throw new JsonException("empty body");
        }
        catch (JsonException ex)
        {
            throw new ProviderException(provider, "bad_response", $"Unreadable response ({ex.Message}).", isRetryable: false, statusCode: (int)response.StatusCode, innerException: ex);
        }
    }

    /// <summary>The generic failure for a status with no provider-specific meaning.</summary>
    protected ProviderException HttpFailure(HttpResponseMessage response, string? code = null, string? message = null) =>
        new(provider,
            code ?? "http_" + ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
            message ?? response.ReasonPhrase ?? response.StatusCode.ToString(),
            ProviderResilience.IsTransient(response.StatusCode),
            ProviderResilience.RetryAfterOf(response),
            (int)response.StatusCode);

    protected static bool IsStatus(HttpResponseMessage response, HttpStatusCode status) => response.StatusCode == status;
}
