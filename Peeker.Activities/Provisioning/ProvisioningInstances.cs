namespace Peeker.Activities.Provisioning;

/// <summary>
/// The instance ids of an order's provisioning. The first run keeps the order id (and <c>{order id}:{domain}</c> per
/// domain), so ops find an order where they always did; each <c>POST /orders/{id}/retry</c> runs under a new id
/// (<c>{order id}:retry:{n}</c>, children <c>{order id}:retry:{n}:{domain}</c>) because the engine will not start a
/// finished instance id again. The activities, keyed by business identity, make the re-run buy nothing twice.
/// </summary>
public static class ProvisioningInstances
{
    /// <summary>The <c>ProvisionOrder</c> instance of <paramref name="attempt"/> (0 = the first run).</summary>
    public static string Order(string orderId, int attempt) => attempt <= 0 ? orderId : $"{orderId}:retry:{attempt}";

    /// <summary>The <c>ProvisionDomain</c> instance of <paramref name="domain"/> in <paramref name="attempt"/>.</summary>
    public static string Domain(string orderId, int attempt, string domain) => $"{Order(orderId, attempt)}:{domain}";
}
