using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace Peeker.Sandbox;

/// <summary>
/// Runs before every simulator handler (they read their bodies themselves, so nothing is read before it): the shared
/// secret in <see cref="SandboxOptions.SecretHeader"/> (401 when missing, 403 when wrong, compared in constant time),
/// then the body limit (413 for a declared oversize body; a chunked one is cut by the server at the same limit).
/// </summary>
public sealed class SandboxGuard(IOptions<SandboxOptions> options) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var http = context.HttpContext;
        var expected = options.Value.Secret;
        var given = http.Request.Headers[SandboxOptions.SecretHeader].ToString();
        if (string.IsNullOrEmpty(given))
        {
            return Results.Json(
                new { error = "sandbox_secret_required", message = $"Send the sandbox secret in {SandboxOptions.SecretHeader}." },
                statusCode: 401
            );
        }

        if (string.IsNullOrEmpty(expected) || !CryptographicOperations.FixedTimeEquals(Hash(given), Hash(expected)))
        {
            return Results.Json(new { error = "sandbox_secret_invalid", message = "The sandbox secret is wrong." }, statusCode: 403);
        }

        var max = options.Value.MaxBodyBytes;
        if (http.Request.ContentLength > max)
        {
            return Results.Json(new { error = "payload_too_large", message = $"Bodies are limited to {max} bytes." }, statusCode: 413);
        }

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = max;
        }

        return await next(context);
    }

    // Hashing first makes the comparison independent of the presented secret's length.
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
