namespace Peeker.Activities.Common;

/// <summary>The stable partner-facing error codes (spec section 2.9 plus our additions) and their HTTP statuses.</summary>
public static class ErrorCodes
{
    /// <summary>400: missing, wrong-typed or invalid field.</summary>
    public const string InvalidRequest = "invalid_request";

    /// <summary>401: key missing, malformed or revoked.</summary>
    public const string Unauthorized = "unauthorized";

    /// <summary>403: the key's preset does not allow the action.</summary>
    public const string Forbidden = "forbidden";

    /// <summary>404: no such record in this partner account (or no such route).</summary>
    public const string NotFound = "not_found";

    /// <summary>429: over 600 requests per minute for this key.</summary>
    public const string RateLimited = "rate_limited";

    /// <summary>400: an order mixes the bundle and custom shapes (or <c>user</c> and <c>user_id</c>).</summary>
    public const string OrderShapeConflict = "order_shape_conflict";

    /// <summary>400: the number of domains does not match the plan.</summary>
    public const string DomainCountMismatch = "domain_count_mismatch";

    /// <summary>409: a domain is already on another active order.</summary>
    public const string DomainAlreadyInActiveOrder = "domain_already_in_active_order";

    /// <summary>400: a domain cannot be registered (taken, premium, invalid).</summary>
    public const string DomainUnavailable = "domain_unavailable";

    /// <summary>400: not enough submitted domains are usable for Microsoft.</summary>
    public const string MicrosoftSplitUnsatisfied = "microsoft_split_unsatisfied";

    /// <summary>500: something broke on our side; nothing was charged.</summary>
    public const string InternalError = "internal_error";

    /// <summary>
    /// 400: the order asks for something Peeker cannot deliver in this environment (live Microsoft mailboxes: Smartlead
    /// connects them only through a browser OAuth consent); nothing was stored or bought.
    /// </summary>
    public const string NotSupported = "not_supported";

    /// <summary>409: <c>POST /orders/{id}/retry</c> on an order that is not <c>failed</c> (<c>details.status</c> says what it is).</summary>
    public const string OrderNotFailed = "order_not_failed";

    /// <summary>409: <c>POST /orders/{id}/cancel</c> on an order (or domain) already cancelled or scheduled for cancellation.</summary>
    public const string OrderNotCancellable = "order_not_cancellable";

    /// <summary>409: <c>POST /orders/pending/{id}/resolve</c> on an action that is already <c>resolved</c>.</summary>
    public const string ActionAlreadyResolved = "action_already_resolved";

    /// <summary>409: another partner holds the domain (in its inventory, on its order or in its import).</summary>
    public const string DomainInUse = "domain_in_use";

    /// <summary>409: <c>POST /swaps</c> on a domain that is not connected and active on a live order (<c>details.status</c>, <c>details.order_status</c>).</summary>
    public const string DomainNotSwappable = "domain_not_swappable";

    /// <summary>409: <c>POST /swaps</c> on a domain another swap is still working on (<c>details.swap_id</c>).</summary>
    public const string DomainSwapInProgress = "domain_swap_in_progress";

    /// <summary>400: a premium swap of a Google domain (premium swaps are Microsoft-only).</summary>
    public const string PremiumSwapMicrosoftOnly = "premium_swap_microsoft_only";

    /// <summary>
    /// 409: a premium swap over a limit: <c>details.limit</c> is <c>quota</c> (the plan tier's share of active Microsoft
    /// inboxes) or <c>cooldown</c> (30 days per domain); <c>details.frees_at</c> says when it frees.
    /// </summary>
    public const string PremiumSwapLimit = "premium_swap_limit";
}

/// <summary>A partner-facing error: becomes the <c>{"error":{code,message,field,details}}</c> envelope at the boundary.</summary>
public sealed class ApiException(
    int status,
    string code,
    string message,
    string? field = null,
    IReadOnlyDictionary<string, object?>? details = null
) : Exception(message)
{
    /// <summary>HTTP status.</summary>
    public int Status { get; } = status;

    /// <summary>Stable code from <see cref="ErrorCodes"/>.</summary>
    public string Code { get; } = code;

    /// <summary>The offending body field, if any.</summary>
    public string? Field { get; } = field;

    /// <summary>Extra machine-readable facts.</summary>
    public IReadOnlyDictionary<string, object?>? Details { get; } = details;

    /// <summary>400 <c>invalid_request</c> naming <paramref name="field"/>.</summary>
    public static ApiException Invalid(string field, string message) => new(400, ErrorCodes.InvalidRequest, message, field);

    /// <summary>404 <c>not_found</c>.</summary>
    public static ApiException NotFound(string what) => new(404, ErrorCodes.NotFound, $"No {what} with that id in this account.");
}
