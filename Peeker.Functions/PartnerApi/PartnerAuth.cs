using Peeker.Activities.ApiKeys;
using Peeker.Activities.Common;
using Peeker.Activities.Partners;
using Peeker.Activities.Providers;
using Peeker.Functions.Hosting;

namespace Peeker.Functions.PartnerApi;

/// <summary>The authenticated caller of a partner request.</summary>
public sealed record PartnerContext(ApiKey Key, Partner Partner)
{
    /// <summary>Provider scope (environment + partner) for stores and provider clients.</summary>
    public ProviderScope Scope => new(Key.Environment, Partner.Id);

    /// <summary>The key's environment.</summary>
    public PeekerEnvironment Env => Key.Environment;

    /// <summary>
    /// Binds a handler parameter to the caller. Parameters bind before endpoint filters run, so this authenticates through
    /// <see cref="PartnerAuth"/> (which remembers the caller for the request: the group's filter then finds it done).
    /// </summary>
    public static async ValueTask<PartnerContext?> BindAsync(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        return await context.RequestServices.GetRequiredService<PartnerAuth>().AuthenticateAsync(context);
    }
}

/// <summary>Marks a write that <c>limited</c> keys may perform (domain availability).</summary>
[AttributeUsage(AttributeTargets.Method | AttributeTargets.Class)]
public sealed class AllowLimitedKeysAttribute : Attribute;

/// <summary>
/// Endpoint filter on the partner route groups: the client address's failed-authentication budget (429, checked before
/// any key lookup), <c>Authorization: Bearer pk_live_…|pk_test_…</c> (401, counted against the address), the per-key
/// rate limit across hosts (429), then the preset (403: <c>read</c> keys never write, <c>limited</c> keys only check availability).
/// Outside Development the demo key (the sample's value, or any key of the demo partner a Development run seeded on
/// the same storage) is unknown.
/// </summary>
public sealed class PartnerAuth(
    ApiKeyStore keys,
    PartnerStore partners,
    PartnerRateLimits limits,
    PartnerApiStartup startup,
    IHostEnvironment environment
) : IEndpointFilter
{
    /// <inheritdoc />
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(next);
        await AuthenticateAsync(context.HttpContext);
        return await next(context);
    }

    /// <summary>The caller of <paramref name="http"/>, checked once per request (then remembered in its items).</summary>
    public async ValueTask<PartnerContext> AuthenticateAsync(HttpContext http)
    {
        ArgumentNullException.ThrowIfNull(http);
        if (http.Items.TryGetValue(typeof(PartnerContext), out var known) && known is PartnerContext remembered)
        {
            return remembered;
        }

        await startup.WaitReadyAsync(http.RequestAborted);
        limits.ThrowIfAddressBlocked(http);
        var header = http.Request.Headers.Authorization.ToString();
        if (!header.StartsWith("Bearer ", StringComparison.Ordinal))
        {
            throw Unauthorized(http, "Send Authorization: Bearer <your pk_live_ or pk_test_ key>.");
        }

        var secret = header["Bearer ".Length..].Trim();
        if (
            !(secret.StartsWith("pk_live_", StringComparison.Ordinal) || secret.StartsWith("pk_test_", StringComparison.Ordinal))
            || secret.Length > 200
        )
        {
            throw Unauthorized(http, "The API key is malformed.");
        }

        var development = environment.IsDevelopment();
        var key = development || !DevelopmentSecrets.IsDevelopmentValue(secret) ? await keys.FindAsync(secret, http.RequestAborted) : null;
        if (
            key is null
            || key.Revoked
            || (!development && key.PartnerId == PartnerApiStartup.DemoPartnerId)
            || await partners.GetAsync(key.PartnerId, http.RequestAborted) is not { } partner
        )
        {
            throw Unauthorized(http, "The API key is unknown or revoked.");
        }

        await limits.AcquireKeyAsync(key.Id, http.RequestAborted);

        var isWrite = !HttpMethods.IsGet(http.Request.Method) && !HttpMethods.IsHead(http.Request.Method);
        var allowed =
            !isWrite
            || key.Preset == PermissionPreset.Full
            || (
                key.Preset == PermissionPreset.Limited && http.GetEndpoint()?.Metadata.GetMetadata<AllowLimitedKeysAttribute>() is not null
            );
        if (!allowed)
        {
            throw new ApiException(
                403,
                ErrorCodes.Forbidden,
                $"A '{key.Preset.ToString().ToLowerInvariant()}' key cannot do this; use a 'full' key."
            );
        }

        var caller = new PartnerContext(key, partner);
        http.Items[typeof(PartnerContext)] = caller;
        return caller;
    }

    private ApiException Unauthorized(HttpContext http, string message)
    {
        limits.RecordFailedAuthentication(http);
        return new ApiException(401, ErrorCodes.Unauthorized, message);
    }
}

/// <summary>Puts a route group behind <see cref="PartnerAuth"/> and documents the answers it adds to every route.</summary>
public static class PartnerAuthExtensions
{
    /// <summary>
    /// Requires a partner key: 401 and 429 on every route, 403 on every write (a <c>read</c> or <c>limited</c> key),
    /// all in the error envelope.
    /// </summary>
    public static RouteGroupBuilder RequirePartnerKey(this RouteGroupBuilder group)
    {
        group.AddEndpointFilter<PartnerAuth>().ProducesErrors(StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests);
        ((IEndpointConventionBuilder)group).Finally(endpoint =>
        {
            var methods = endpoint.Metadata.OfType<HttpMethodMetadata>().SelectMany(m => m.HttpMethods);
            if (methods.Any(m => !HttpMethods.IsGet(m) && !HttpMethods.IsHead(m)))
            {
                endpoint.Metadata.Add(PartnerErrors.Metadata(StatusCodes.Status403Forbidden));
            }
        });
        return group;
    }
}
