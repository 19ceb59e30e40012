using Peeker.Activities.Webhooks;

namespace Peeker.Functions.Webhooks;

/// <summary>The spec's error envelope <c>{"error":{"code","message","field","details"}}</c> for the webhook routes.</summary>
public static class WebhookErrors
{
    public static IResult InvalidRequest(string message, string? field) => Error(400, "invalid_request", message, field);

    public static IResult Unauthorized() => Error(401, "unauthorized", "Missing or invalid admin key.", null);

    public static IResult NotFound(string message) => Error(404, "not_found", message, null);

    private static IResult Error(int status, string code, string message, string? field) =>
        Results.Json(new { error = new { code, message, field, details = (object?)null } }, WebhookPublisher.PayloadJson, statusCode: status);
}
