using Peeker.Durable.Management;
using Peeker.Functions.Webhooks;

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
        routes.MapDurableManagement().AddEndpointFilter<AdminKeyFilter>();
        return routes;
    }
}
