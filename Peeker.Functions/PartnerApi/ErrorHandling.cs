using System.Text.Json;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// Host-wide middleware: a <c>Peeker-Request-Id</c> on every response, the error envelope for every thrown
/// <see cref="ApiException"/>, unhandled exception (500 <c>internal_error</c>), unknown route (404) and wrong method (405).
/// </summary>
public sealed class ErrorHandling(RequestDelegate next, ILogger<ErrorHandling> logger, TimeProvider time)
{
    /// <summary>The response header carrying the request id.</summary>
    public const string RequestIdHeader = "Peeker-Request-Id";

    /// <summary>Runs the pipeline.</summary>
    public async Task InvokeAsync(HttpContext context)
    {
        var requestId = Ids.New("req", time);
        context.TraceIdentifier = requestId;
        context.Response.Headers[RequestIdHeader] = requestId;
        try
        {
            await next(context);
            if (!context.Response.HasStarted && context.Response.StatusCode >= 400 && context.Response.ContentLength is null)
            {
                // Framework answers without a body (no route, wrong method, media type rejected by routing...).
                await WriteAsync(context, ForStatus(context.Response.StatusCode, context.Request.Method));
            }
        }
        catch (ApiException ex)
        {
            await WriteAsync(context, ex);
        }
        catch (BadHttpRequestException ex)
        {
            await WriteAsync(context, new ApiException(ex.StatusCode, ErrorCodes.InvalidRequest, "The request could not be read."));
        }
        catch (Exception ex) when (!context.RequestAborted.IsCancellationRequested)
        {
            // Never log request bodies: they may carry sequencer credentials.
            logger.LogError(
                ex,
                "Unhandled error on {Method} {Path} ({RequestId})",
                context.Request.Method,
                context.Request.Path,
                requestId
            );
            await WriteAsync(
                context,
                new ApiException(
                    500,
                    ErrorCodes.InternalError,
                    "Something went wrong on our side; nothing was charged. Retry with backoff."
                )
            );
        }
    }

    private static ApiException ForStatus(int status, string method) =>
        status switch
        {
            404 => new ApiException(404, ErrorCodes.NotFound, "No such route."),
            405 => new ApiException(405, ErrorCodes.InvalidRequest, $"{method} is not supported on this route."),
            415 => new ApiException(415, ErrorCodes.InvalidRequest, "Send the body as Content-Type: application/json."),
            401 => new ApiException(401, ErrorCodes.Unauthorized, "Authentication required."),
            403 => new ApiException(403, ErrorCodes.Forbidden, "Not allowed."),
            429 => new ApiException(429, ErrorCodes.RateLimited, "Too many requests."),
            >= 500 => new ApiException(status, ErrorCodes.InternalError, "Something went wrong on our side; retry with backoff."),
            _ => new ApiException(status, ErrorCodes.InvalidRequest, "The request could not be processed."),
        };

    /// <summary>Writes the envelope for <paramref name="error"/> (keeps the request id header).</summary>
    public static async Task WriteAsync(HttpContext context, ApiException error)
    {
        if (context.Response.HasStarted)
        {
            return;
        }

        var requestId = context.Response.Headers[RequestIdHeader].ToString();
        context.Response.Clear();
        context.Response.Headers[RequestIdHeader] = requestId;
        context.Response.StatusCode = error.Status;
        if (error.Details?.GetValueOrDefault("retry_after_seconds") is int retryAfter)
        {
            // The body's retry_after_seconds (spec 2.4) as the standard header too, for generic HTTP clients.
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        context.Response.ContentType = "application/json; charset=utf-8";
        await JsonSerializer.SerializeAsync(
            context.Response.Body,
            new ErrorEnvelope(new ErrorBody(error.Code, error.Message, error.Field, error.Details)),
            PeekerJson.Options,
            context.RequestAborted
        );
    }
}
