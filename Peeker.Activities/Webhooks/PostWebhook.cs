using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using Microsoft.DurableTask;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Activities.Webhooks;

/// <summary>One delivery attempt of an event; with <c>IsLastAttempt</c> a failure marks the event <c>failed</c> rather than <c>retrying</c>.</summary>
public sealed record PostWebhookInput(
    string EventId,
    PeekerEnvironment Environment,
    string PartnerId,
    int Run,
    int Attempt,
    bool IsLastAttempt
);

/// <summary>What an attempt led to.</summary>
public enum PostWebhookOutcome
{
    /// <summary>2xx.</summary>
    Delivered,

    /// <summary>Non-2xx (other than 410), timeout, connection error or a blocked address: retry on schedule.</summary>
    Failed,

    /// <summary>410 Gone: the endpoint is now disabled; stop.</summary>
    EndpointGone,

    /// <summary>No endpoint, or a disabled one: nothing was sent.</summary>
    NoEndpoint,

    /// <summary>The event is not in the store (purged): stop.</summary>
    EventNotFound,
}

/// <summary>The attempt's outcome, with the <c>Retry-After</c> the receiver asked for (seconds), if any.</summary>
public sealed record PostWebhookResult(PostWebhookOutcome Outcome, int? StatusCode = null, int? RetryAfterSeconds = null);

/// <summary>
/// POSTs the stored envelope to the partner's endpoint, signed with the endpoint's current secret (and the one being
/// retired during a rotation), with the configured timeout (15 s) and without following redirects. The attempt row
/// (which the partner reads) keeps the status, latency and a fixed error text, never response headers or body.
/// </summary>
/// <remarks>
/// Side effects: one HTTP POST to the partner; one attempt row; the event's status; on 410 the endpoint is disabled.
/// Idempotency: the attempt row is keyed by (event, run, attempt), so a re-run overwrites it; the receiver may see the
/// same <c>Peeker-Event-Id</c> twice and dedupes on it (documented). The secret is loaded here and never returned.
/// Compensation: none needed.
/// </remarks>
public sealed class PostWebhook(
    WebhookEventStore events,
    WebhookEndpointStore endpoints,
    IHttpClientFactory httpClients,
    IOptions<WebhookOptions> options,
    TimeProvider time,
    ILogger<PostWebhook> logger
) : TaskActivity<PostWebhookInput, PostWebhookResult>
{
    /// <inheritdoc />
    public override async Task<PostWebhookResult> RunAsync(TaskActivityContext context, PostWebhookInput input)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(input);
        var ct = CancellationToken.None;
        var webhookEvent = await events.GetAsync(input.Environment, input.PartnerId, input.EventId, ct);
        if (webhookEvent is null)
        {
            return new PostWebhookResult(PostWebhookOutcome.EventNotFound);
        }

        var keys = await endpoints.GetSigningKeysAsync(input.Environment, input.PartnerId, ct);
        if (keys is null || keys.Endpoint.Disabled)
        {
            await events.UpdateStatusAsync(
                input.Environment,
                input.PartnerId,
                input.EventId,
                WebhookEventStatus.AwaitingEndpoint,
                cancellationToken: ct
            );
            return new PostWebhookResult(PostWebhookOutcome.NoEndpoint);
        }

        var url = keys.Endpoint.Url;
        var attemptedAt = time.GetUtcNow();
        var started = Stopwatch.GetTimestamp();
        int? status = null;
        int? retryAfter = null;
        string? error = null;
        var check = await WebhookUrlPolicy.CheckAsync(input.Environment, url, options.Value.AllowLocalSandboxEndpoints, ct);
        if (!check.IsAllowed)
        {
            error = "blocked: " + check.Reason;
        }
        else
        {
            (status, retryAfter, error) = await SendAsync(input, webhookEvent.Body, keys, attemptedAt, ct);
        }

        var latency = (long)Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        await events.RecordAttemptAsync(
            new WebhookAttempt(input.EventId, input.Run, input.Attempt, attemptedAt, url, status, latency, error),
            ct
        );
        var outcome = status switch
        {
            >= 200 and < 300 => PostWebhookOutcome.Delivered,
            410 => PostWebhookOutcome.EndpointGone,
            _ => PostWebhookOutcome.Failed,
        };
        if (outcome == PostWebhookOutcome.EndpointGone)
        {
            await endpoints.DisableAsync(input.Environment, input.PartnerId, url, "410 Gone from the endpoint", ct);
        }

        var eventStatus = outcome switch
        {
            PostWebhookOutcome.Delivered => WebhookEventStatus.Delivered,
            PostWebhookOutcome.EndpointGone => WebhookEventStatus.EndpointGone,
            _ when input.IsLastAttempt => WebhookEventStatus.Failed,
            _ => WebhookEventStatus.Retrying,
        };
        // Counted from the rows, not incremented, so a re-run of this invocation does not count twice.
        var attemptCount = (await events.ListAttemptsAsync(input.EventId, ct)).Count;
        await events.UpdateStatusAsync(input.Environment, input.PartnerId, input.EventId, eventStatus, attemptCount, input.Run, ct);
        PeekerMetrics.WebhookAttempts.Add(
            1,
            new KeyValuePair<string, object?>("outcome", outcome.ToString().ToLowerInvariant()),
            new KeyValuePair<string, object?>("event_type", webhookEvent.Type)
        );
        logger.LogInformation(
            "Webhook {EventId} attempt {Run}.{Attempt}: {Outcome} {Status} in {Latency} ms {Error}",
            input.EventId,
            input.Run,
            input.Attempt,
            outcome,
            status,
            latency,
            error
        );
        return new PostWebhookResult(outcome, status, retryAfter);
    }

    private async Task<(int? Status, int? RetryAfter, string? Error)> SendAsync(
        PostWebhookInput input,
        byte[] body,
        WebhookSigningKeys keys,
        DateTimeOffset signedAt,
        CancellationToken ct
    )
    {
        var timestamp = signedAt.ToUnixTimeSeconds();
        using var request = new HttpRequestMessage(HttpMethod.Post, keys.Endpoint.Url) { Content = new ByteArrayContent(body) };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        request.Headers.TryAddWithoutValidation(WebhookSignature.EventIdHeader, input.EventId);
        request.Headers.TryAddWithoutValidation(WebhookSignature.TimestampHeader, timestamp.ToString(CultureInfo.InvariantCulture));
        request.Headers.TryAddWithoutValidation(
            WebhookSignature.SignatureHeader,
            WebhookSignature.BuildHeader(keys.Secrets, timestamp, body)
        );
        request.Headers.UserAgent.ParseAdd("Peeker-Webhooks/1");
        request.Options.Set(
            OutboundHttpGuard.AllowLocalDevelopmentHostOption,
            WebhookUrlPolicy.AllowsLocalHost(input.Environment, options.Value.AllowLocalSandboxEndpoints)
        );

        var timeout = options.Value.AttemptTimeout;
        using var attempt = CancellationTokenSource.CreateLinkedTokenSource(ct);
        attempt.CancelAfter(timeout);
        try
        {
            var client = httpClients.CreateClient(WebhookHttp.ClientName);
            using var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, attempt.Token);
            var code = (int)response.StatusCode;
            // Only the status goes into the attempt the partner reads: never the Location, other headers or the body.
            var error = code switch
            {
                >= 200 and < 300 => null,
                >= 300 and < 400 => $"HTTP {code}: redirect not followed",
                _ => $"HTTP {code}",
            };
            return (code, RetryAfterSeconds(response.Headers.RetryAfter, signedAt), error);
        }
        catch (OperationCanceledException) when (!ct.IsCancellationRequested)
        {
            return (null, null, $"timeout after {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s");
        }
        catch (HttpRequestException e)
        {
            return (null, null, Describe(e));
        }
    }

    /// <summary>A fixed description per failure kind: socket and TLS messages would tell a partner about our network.</summary>
    private static string Describe(HttpRequestException e) =>
        OutboundRequestRefusedException.Find(e) is { } refused
            ? "blocked: " + refused.Reason
            : e.HttpRequestError switch
            {
                HttpRequestError.NameResolutionError => "the host does not resolve",
                HttpRequestError.ConnectionError => "connection failed",
                HttpRequestError.SecureConnectionError => "TLS handshake failed",
                _ => "request failed",
            };

    private static int? RetryAfterSeconds(RetryConditionHeaderValue? header, DateTimeOffset now)
    {
        var delay = header?.Delta ?? (header?.Date is { } date ? date - now : null);
        return delay is { } d && d > TimeSpan.Zero ? (int)Math.Ceiling(Math.Min(d.TotalSeconds, TimeSpan.FromDays(1).TotalSeconds)) : null;
    }
}

/// <summary>Typed call of <see cref="PostWebhook"/> from an orchestration.</summary>
public static class PostWebhookExtensions
{
    /// <summary>Schedules <see cref="PostWebhook"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<PostWebhookResult> PostWebhookAsync(
        this TaskOrchestrationContext context,
        PostWebhookInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<PostWebhookResult>(nameof(PostWebhook), input, options);
}
