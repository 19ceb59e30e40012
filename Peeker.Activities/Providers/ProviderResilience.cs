using System.Net;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Polly;
using Polly.RateLimiting;
using Polly.Retry;
using Polly.Timeout;

namespace Peeker.Activities.Providers;

/// <summary>
/// The one Polly pipeline every provider HTTP client uses: retry transient answers (408, 429, 5xx, network errors,
/// attempt timeouts) with exponential backoff or the provider's <c>Retry-After</c>, then each attempt waits for a permit
/// of its <see cref="ProviderBudget"/> (<see cref="ProviderPacer"/>), then a timeout per attempt.
/// Requests marked <see cref="MarkNotIdempotent"/> are retried only on 429 (the provider refused them unprocessed).
/// </summary>
public static class ProviderResilience
{
    private static readonly HttpRequestOptionsKey<bool> NotIdempotentKey = new("peeker.not-idempotent");

    /// <summary>Marks a request whose repetition could act twice (e.g. a purchase without an idempotency key).</summary>
    public static HttpRequestMessage MarkNotIdempotent(this HttpRequestMessage request)
    {
        request.Options.Set(NotIdempotentKey, true);
        return request;
    }

    /// <summary>Adds the provider pipeline to a named client; options are read from DI when the pipeline is built.</summary>
    public static IHttpClientBuilder AddProviderResilience(this IHttpClientBuilder builder)
    {
        builder.AddResilienceHandler(
            "provider",
            (pipeline, context) =>
            {
                var options = context.ServiceProvider.GetRequiredService<IOptions<ProviderRetryOptions>>().Value;
                var time = context.ServiceProvider.GetService<TimeProvider>();
                if (time is not null)
                {
                    pipeline.TimeProvider = time;
                }

                Configure(pipeline, options, context.ServiceProvider.GetService<ProviderPacer>());
            }
        );
        return builder;
    }

    /// <summary>Builds the strategies into <paramref name="pipeline"/> (exposed for tests of the settings).</summary>
    public static void Configure(
        ResiliencePipelineBuilder<HttpResponseMessage> pipeline,
        ProviderRetryOptions options,
        ProviderPacer? pacer = null
    )
    {
        pipeline.AddRetry(
            new RetryStrategyOptions<HttpResponseMessage>
            {
                MaxRetryAttempts = Math.Max(options.MaxRetries, 1),
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = options.BaseDelay,
                MaxDelay = options.MaxRetryAfter,
                ShouldHandle = args => ValueTask.FromResult(options.MaxRetries > 0 && ShouldRetry(args.Outcome, args.Context, options)),
                DelayGenerator = args => ValueTask.FromResult(args.Outcome.Result is { } response ? RetryAfterOf(response) : null),
            }
        );
        if (pacer is not null)
        {
            // Inside the retries, so a retried attempt spends a permit too; outside the attempt timeout, so waiting
            // for a permit is not mistaken for a slow provider.
            pipeline.AddRateLimiter(new RateLimiterStrategyOptions { RateLimiter = args => pacer.AcquireAsync(args.Context) });
        }

        pipeline.AddTimeout(options.AttemptTimeout);
    }

    /// <summary>The <c>Retry-After</c> of a response (delta seconds or an HTTP date), if any.</summary>
    public static TimeSpan? RetryAfterOf(HttpResponseMessage response)
    {
        var header = response.Headers.RetryAfter;
        if (header?.Delta is { } delta)
        {
            return delta;
        }

        if (header?.Date is { } date && response.Headers.Date is { } now)
        {
            return date - now > TimeSpan.Zero ? date - now : TimeSpan.Zero;
        }

        return null;
    }

    /// <summary>Statuses that may succeed if repeated.</summary>
    public static bool IsTransient(HttpStatusCode status) =>
        status is HttpStatusCode.RequestTimeout or HttpStatusCode.TooManyRequests || (int)status >= 500;

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, ProviderRetryOptions options)
    {
        var request = outcome.Result?.RequestMessage ?? context.GetRequestMessage();
        var notIdempotent = request is not null && request.Options.TryGetValue(NotIdempotentKey, out var flag) && flag;
        if (outcome.Exception is not null)
        {
            return !notIdempotent && outcome.Exception is HttpRequestException or TimeoutRejectedException;
        }

        var response = outcome.Result!;
        if (!IsTransient(response.StatusCode))
        {
            return false;
        }

        if (RetryAfterOf(response) is { } wait && wait > options.MaxRetryAfter)
        {
            // Longer than the in-process budget: hand it to the durable retry layer.
            return false;
        }

        return !notIdempotent || response.StatusCode == HttpStatusCode.TooManyRequests;
    }
}
