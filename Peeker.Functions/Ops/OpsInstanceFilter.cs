using Microsoft.DurableTask.Client;

namespace Peeker.Functions.Ops;

/// <summary>
/// The console's instance filters. Status, created range and id prefix go to the engine's query; an order id is an id
/// prefix (an order's orchestrations are the order id, <c>{order}:{domain}</c> and <c>{order}:cancel:…</c>); name and
/// partner are matched on each page the engine returns.
/// </summary>
public sealed record OpsInstanceFilter(
    OrchestrationRuntimeStatus? Status,
    string? Name,
    DateTimeOffset? CreatedFrom,
    DateTimeOffset? CreatedTo,
    string? IdPrefix,
    string? PartnerId,
    string? OrderId
)
{
    /// <summary>The id prefix the engine filters on: the order id when given, else the typed prefix.</summary>
    public string? EnginePrefix =>
        !string.IsNullOrWhiteSpace(OrderId) ? OrderId.Trim()
        : string.IsNullOrWhiteSpace(IdPrefix) ? null
        : IdPrefix.Trim();

    /// <summary>True when a filter has to be matched on the returned rows.</summary>
    public bool FiltersRows =>
        !string.IsNullOrWhiteSpace(Name)
        || !string.IsNullOrWhiteSpace(PartnerId)
        || (!string.IsNullOrWhiteSpace(OrderId) && !string.IsNullOrWhiteSpace(IdPrefix));

    /// <summary>The engine query (page size and continuation are the caller's).</summary>
    public OrchestrationQuery ToQuery(int pageSize, bool withStatus, bool fetchInputs) =>
        new()
        {
            Statuses = withStatus && Status is { } status ? [status] : null,
            CreatedFrom = CreatedFrom,
            CreatedTo = CreatedTo,
            InstanceIdPrefix = EnginePrefix,
            PageSize = pageSize,
            FetchInputsAndOutputs = fetchInputs,
        };

    /// <summary>
    /// Matches the filters the engine cannot apply. A partner owns an instance whose input names it (domain, webhook,
    /// import and forwarding instances carry the partner id) or whose id starts with one of its order ids.
    /// </summary>
    public bool Matches(OrchestrationMetadata instance, IReadOnlySet<string>? partnerOrderIds)
    {
        ArgumentNullException.ThrowIfNull(instance);
        if (!string.IsNullOrWhiteSpace(Name) && !instance.Name.Contains(Name.Trim(), StringComparison.OrdinalIgnoreCase))
        {
            return false;
        }

        if (
            !string.IsNullOrWhiteSpace(OrderId)
            && !string.IsNullOrWhiteSpace(IdPrefix)
            && !instance.InstanceId.StartsWith(IdPrefix.Trim(), StringComparison.Ordinal)
        )
        {
            return false;
        }

        if (string.IsNullOrWhiteSpace(PartnerId))
        {
            return true;
        }

        var partner = PartnerId.Trim();
        return (instance.SerializedInput?.Contains(partner, StringComparison.Ordinal) ?? false)
            || (
                partnerOrderIds?.Any(order =>
                    instance.InstanceId == order || instance.InstanceId.StartsWith(order + ":", StringComparison.Ordinal)
                )
                ?? false
            );
    }
}
