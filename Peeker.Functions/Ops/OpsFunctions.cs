using System.Security.Cryptography;
using System.Text;
using Peeker.Durable.Management;

namespace Peeker.Functions.Ops;

/// <summary>
/// Operators' surface: the Durable Functions management API (status with history, query, raise event, terminate,
/// suspend, resume, rewind, purge) and an HTML timeline, under <c>/runtime/webhooks/durabletask</c>, authenticated
/// with the admin key (<c>Authorization: Bearer {Peeker:AdminKey}</c>). Partners never see these URLs.
/// </summary>
public static class OpsFunctions
{
    /// <summary>Maps the management API behind the admin key.</summary>
    public static IEndpointRouteBuilder MapPeekerOps(this IEndpointRouteBuilder routes)
    {
        routes.MapDurableManagement().AddEndpointFilter(async (context, next) =>
        {
            var configured = context.HttpContext.RequestServices.GetRequiredService<IConfiguration>()["Peeker:AdminKey"];
            var header = context.HttpContext.Request.Headers.Authorization.ToString();
            var presented = header.StartsWith("Bearer ", StringComparison.Ordinal) ? header["Bearer ".Length..] : string.Empty;
            if (string.IsNullOrEmpty(configured)
                || !CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(configured)))
            {
                return Results.Json(
                    new { error = new { code = "unauthorized", message = "A valid admin key is required.", field = (string?)null, details = (object?)null } },
                    statusCode: StatusCodes.Status401Unauthorized);
            }

            return await next(context);
        });
        return routes;
    }
}
