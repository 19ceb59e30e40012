using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Functions.PartnerApi;

namespace Peeker.Functions.Admin;

/// <summary>Which operator key a surface takes.</summary>
public enum AdminScope
{
    /// <summary><c>Peeker:AdminKey</c>: partners, API keys, webhook endpoints, sandbox inspection.</summary>
    Partners,

    /// <summary><c>Peeker:ManagementKey</c>: the engine's management API.</summary>
    Management,
}

/// <summary>
/// The one check of every admin surface: <c>Authorization: Bearer &lt;key&gt;</c> against the key of its
/// <see cref="AdminScope"/>. Both sides are hashed with SHA-256 and compared with
/// <see cref="CryptographicOperations.FixedTimeEquals"/>, so neither the content nor the length of the key leaks
/// through timing. Refusals are 401 <c>unauthorized</c> (thrown as <see cref="ApiException"/>: <see cref="ErrorHandling"/>
/// writes the spec's envelope), the same for every reason.
/// </summary>
public sealed class AdminKeyFilter(AdminScope scope) : IEndpointFilter
{
    private const string Scheme = "Bearer ";

    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        var keys = context.HttpContext.RequestServices.GetRequiredService<IOptions<AdminKeyOptions>>().Value;
        var expected = scope == AdminScope.Management ? keys.ManagementKey : keys.AdminKey;
        if (!Matches(context.HttpContext.Request.Headers.Authorization.ToString(), expected))
        {
            var message =
                scope == AdminScope.Management ? "Send Authorization: Bearer <management key>." : "Send Authorization: Bearer <admin key>.";
            throw new ApiException(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, message);
        }

        return await next(context);
    }

    /// <summary>True when <paramref name="authorization"/> is <c>Bearer &lt;expected&gt;</c>; never for an unset key.</summary>
    public static bool Matches(string? authorization, string? expected)
    {
        if (
            string.IsNullOrEmpty(expected)
            || authorization is null
            || !authorization.StartsWith(Scheme, StringComparison.OrdinalIgnoreCase)
        )
        {
            return false;
        }

        return KeyEquals(authorization[Scheme.Length..].Trim(), expected);
    }

    /// <summary>True when <paramref name="presented"/> is <paramref name="expected"/> (constant time); never for an unset key.</summary>
    public static bool KeyEquals(string? presented, string? expected) =>
        !string.IsNullOrEmpty(expected)
        && presented is not null
        && CryptographicOperations.FixedTimeEquals(Hash(presented), Hash(expected));

    // Hashing first gives both sides the same length, so the comparison time does not depend on the presented key.
    private static byte[] Hash(string value) => SHA256.HashData(Encoding.UTF8.GetBytes(value));
}

/// <summary>Puts a route or group behind an operator key.</summary>
public static class AdminKeyFilterExtensions
{
    /// <summary>Requires <c>Peeker:AdminKey</c> (partner administration).</summary>
    public static TBuilder RequireAdminKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(new AdminKeyFilter(AdminScope.Partners));

    /// <summary>Requires <c>Peeker:ManagementKey</c> (the engine's management API).</summary>
    public static TBuilder RequireManagementKey<TBuilder>(this TBuilder builder)
        where TBuilder : IEndpointConventionBuilder => builder.AddEndpointFilter(new AdminKeyFilter(AdminScope.Management));
}
