namespace Peeker.Activities.Orders;

/// <summary>
/// What an order costs once some of its domains are cancelled: each cancelled Google domain takes its
/// <see cref="Order.GoogleInboxesPerDomain"/> licences off <c>google_license</c>, each Microsoft domain one
/// <c>microsoft_license</c> (Microsoft is billed per domain), each registered domain its share of
/// <c>domain_registration</c> (the line's amount divided by its quantity; the last one takes the remainder). Applied at
/// the cancellation date, so several partial cancellations and then the whole order add up to zero.
/// </summary>
public static class OrderCostReduction
{
    /// <summary>The costs of <paramref name="order"/> without <paramref name="cancelled"/> (domains still counted in them).</summary>
    public static OrderCosts Without(Order order, IReadOnlyCollection<OrderDomain> cancelled)
    {
        var google = cancelled.Count(d => !IsMicrosoft(d)) * order.GoogleInboxesPerDomain;
        var microsoft = cancelled.Count(IsMicrosoft);
        var registered = cancelled.Count(d => d.Source == "registered");
        var lines = order
            .Costs.LineItems.Select(line =>
                line.Type switch
                {
                    "google_license" => Reduce(line, google),
                    "microsoft_license" => Reduce(line, microsoft),
                    "domain_registration" => Reduce(line, registered),
                    _ => line,
                }
            )
            .ToList();
        return order.Costs with { TotalCents = lines.Sum(l => l.AmountCents), LineItems = lines };
    }

    private static bool IsMicrosoft(OrderDomain d) => string.Equals(d.Provider, "microsoft", StringComparison.OrdinalIgnoreCase);

    internal static LineItem Reduce(LineItem line, int units)
    {
        if (units <= 0 || line.Quantity <= 0)
        {
            return line;
        }

        var quantity = Math.Max(0, line.Quantity - units);
        var amount = quantity == 0 ? 0 : line.AmountCents - (line.AmountCents / line.Quantity * Math.Min(units, line.Quantity));
        return line with { Quantity = quantity, AmountCents = amount };
    }
}
