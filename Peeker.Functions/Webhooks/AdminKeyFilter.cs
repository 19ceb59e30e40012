using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Peeker.Activities.Webhooks;

namespace Peeker.Functions.Webhooks;

/// <summary>
/// <c>Authorization: Bearer &lt;Peeker:AdminKey&gt;</c> for the webhook admin routes, compared in constant time.
/// With no admin key configured every request is refused. (The Partner API branch brings the shared admin auth.)
/// </summary>
public sealed class AdminKeyFilter(IOptions<WebhookOptions> options) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var expected = options.Value.AdminKey;
        var header = context.HttpContext.Request.Headers.Authorization.ToString();
        const string scheme = "Bearer ";
        if (string.IsNullOrEmpty(expected) || !header.StartsWith(scheme, StringComparison.OrdinalIgnoreCase)
            || !CryptographicOperations.FixedTimeEquals(Hash(header[scheme.Length..].Trim()), Hash(expected)))
        {
            return WebhookErrors.Unauthorized();
        }

        return await next(context);
    }

    // Hashing first makes the comparison independent of the presented key's length.
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}
