using System.Net;
using Peeker.Activities.Common;

namespace Peeker.Activities.Providers;

/// <summary>
/// Counts each provider attempt that fails (an error status or a transport failure) in
/// <see cref="PeekerMetrics.ProviderErrors"/> and each wait a provider asks for (<c>Retry-After</c> on 429/503) in
/// <see cref="PeekerMetrics.RateLimitWaits"/>. It sits inside the retry pipeline, so it sees every attempt.
/// </summary>
internal sealed class ProviderTelemetryHandler(string provider) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        HttpResponseMessage response;
        try
        {
            response = await base.SendAsync(request, cancellationToken);
        }
        catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            Count(ex is HttpRequestException ? "network_error" : "timeout", retryable: true);
            throw;
        }

        var status = (int)response.StatusCode;
        if (status >= 400)
        {
            Count(
                "http_" + status.ToString(System.Globalization.CultureInfo.InvariantCulture),
                ProviderResilience.IsTransient(response.StatusCode)
            );
        }

        if (
            response.StatusCode is HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable
            && ProviderResilience.RetryAfterOf(response) is { } wait
        )
        {
            PeekerMetrics.RateLimitWaits.Record(wait.TotalSeconds, new KeyValuePair<string, object?>("provider", provider));
        }

        return response;
    }

    private void Count(string code, bool retryable) =>
        PeekerMetrics.ProviderErrors.Add(
            1,
            new KeyValuePair<string, object?>("provider", provider),
            new KeyValuePair<string, object?>("code", code),
            new KeyValuePair<string, object?>("retryable", retryable)
        );
}
