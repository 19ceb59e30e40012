using System.Text.Json;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Partners;
using Peeker.Activities.Webhooks;
using Peeker.Durable.Management;
using Peeker.Sandbox;
using Peeker.Sandbox.State;

namespace Peeker.Functions.Ops;

/// <summary>One webhook event of an order with its delivery attempts.</summary>
public sealed record OpsWebhookDelivery(WebhookEvent Event, IReadOnlyList<WebhookAttempt> Attempts);

/// <summary>
/// An order joined with everything the host knows about it. <c>SandboxState</c>, for a sandbox order with the
/// simulators mounted: the simulators' rows naming its domains, by kind, secrets masked.
/// </summary>
public sealed record OpsOrderView(
    Order Order,
    PeekerEnvironment Environment,
    Partner? Partner,
    IReadOnlyList<OrchestrationMetadata> Orchestrations,
    IReadOnlyList<OpsWebhookDelivery> Webhooks,
    IReadOnlyDictionary<string, IReadOnlyList<string>>? SandboxState
);

/// <summary>
/// The order page's join: the Partner API's order and partner (the same stores the Partner API reads), the order's
/// orchestrations (through <see cref="OpsInstances"/>), its webhook events and attempts (the webhook outbox), and in
/// the sandbox the simulators' state (<see cref="SandboxInspector"/>).
/// </summary>
public sealed class OpsOrders(
    OrderStore orders,
    PartnerStore partners,
    WebhookEventStore webhooks,
    OpsInstances instances,
    SandboxInspector sandbox,
    IConfiguration configuration,
    IHostEnvironment environment
)
{
    private const int MaxEvents = 100;

    /// <summary>The order in either environment, joined; null when no environment has it.</summary>
    public async Task<OpsOrderView?> GetAsync(string orderId, CancellationToken cancellationToken)
    {
        foreach (var env in Enum.GetValues<PeekerEnvironment>())
        {
            if (await orders.GetByIdAsync(env, orderId, cancellationToken) is { } order)
            {
                var partner = await partners.GetAsync(order.PartnerId, cancellationToken);
                var orchestrations = await instances.ListByPrefixAsync(order.Id, 200, cancellationToken);
                var events = await webhooks.ListAsync(
                    env,
                    order.PartnerId,
                    new WebhookEventFilter(OrderId: order.Id),
                    new PageRequest(MaxEvents, null),
                    cancellationToken
                );
                var deliveries = new List<OpsWebhookDelivery>();
                foreach (var e in events.Items)
                {
                    deliveries.Add(new(e, await webhooks.ListAttemptsAsync(e.Id, cancellationToken)));
                }

                var state =
                    env == PeekerEnvironment.Test && SandboxServiceCollectionExtensions.IsSandboxEnabled(configuration, environment)
                        ? await SandboxStateAsync(order, cancellationToken)
                        : null;
                return new OpsOrderView(order, env, partner, orchestrations, deliveries, state);
            }
        }

        return null;
    }

    private async Task<IReadOnlyDictionary<string, IReadOnlyList<string>>> SandboxStateAsync(
        Order order,
        CancellationToken cancellationToken
    )
    {
        var domains = order.Domains.Select(d => d.Domain).ToList();
        var all = await sandbox.ReadAsync(order.PartnerId, cancellationToken);
        var result = new SortedDictionary<string, IReadOnlyList<string>>(StringComparer.Ordinal);
        foreach (var (kind, rows) in all)
        {
            var mine = rows.Select(r => r.GetRawText())
                .Where(json => domains.Any(d => json.Contains(d, StringComparison.OrdinalIgnoreCase)))
                .Select(json => SecretRedaction.Redact(json) ?? string.Empty)
                .ToList();
            if (mine.Count > 0)
            {
                result[kind] = mine;
            }
        }

        return result;
    }

    /// <summary>A webhook body for display: the envelope's JSON, secrets masked.</summary>
    public static string BodyText(WebhookEvent webhookEvent)
    {
        ArgumentNullException.ThrowIfNull(webhookEvent);
        try
        {
            return SecretRedaction.Redact(System.Text.Encoding.UTF8.GetString(webhookEvent.Body)) ?? string.Empty;
        }
        catch (JsonException)
        {
            return string.Empty;
        }
    }
}
