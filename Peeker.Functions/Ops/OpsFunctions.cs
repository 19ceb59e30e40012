using Peeker.Durable.Management;
using Peeker.Functions.Admin;
using Peeker.Functions.Hosting;

namespace Peeker.Functions.Ops;

/// <summary>
/// Operators' surface: the Durable Functions management API (status with history, query, raise event, terminate,
/// suspend, resume, rewind, purge) and an HTML timeline, under <c>/runtime/webhooks/durabletask</c>, authenticated
/// with the management key (<c>Authorization: Bearer {Peeker:ManagementKey}</c>), never the partner admin key; with
/// no management key configured every request is refused. Partners never see these URLs.
/// </summary>
public static class OpsFunctions
{
    /// <summary>Maps the management API behind the management key.</summary>
    public static IEndpointRouteBuilder MapPeekerOps(this IEndpointRouteBuilder routes)
    {
        routes.MapDurableManagement(origin: http => http.RequestServices.GetRequiredService<PublicBaseUrl>().Origin).RequireManagementKey();
        return routes;
    }
}
