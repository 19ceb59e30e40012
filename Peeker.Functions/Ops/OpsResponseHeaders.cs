using Microsoft.AspNetCore.Mvc.Filters;

namespace Peeker.Functions.Ops;

/// <summary>
/// Headers of every console response: never cached (pages show customer data), never framed, no script at all (the
/// console needs none: auto-refresh is a meta refresh), forms post only to the console itself.
/// </summary>
public sealed class OpsResponseHeaders : IResultFilter
{
    /// <summary>The console's content security policy; inline styles are its only allowance (the timeline's bar widths).</summary>
    public const string ContentSecurityPolicy =
        "default-src 'none'; style-src 'unsafe-inline'; img-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";

    /// <inheritdoc />
    public void OnResultExecuting(ResultExecutingContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var headers = context.HttpContext.Response.Headers;
        headers.ContentSecurityPolicy = ContentSecurityPolicy;
        headers.CacheControl = "no-store";
        headers.XContentTypeOptions = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
    }

    /// <inheritdoc />
    public void OnResultExecuted(ResultExecutedContext context) { }
}
