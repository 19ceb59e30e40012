using Peeker.Activities.Orders;

namespace Peeker.Activities.Swaps;

/// <summary>
/// What an order costs once a swap completed. Only the <c>domain_registration</c> line moves: a registered old domain
/// takes its share off it (the line's amount divided by its quantity, as a cancellation does), and a replacement we bought
/// adds its registration price (quoted when the swap was accepted). An imported domain costs nothing on either side. The
/// licence lines stay: the replacement keeps the old domain's provider and inbox count, and the licences the overlap
/// needs (a premium swap's warm period) are Peeker's, not the partner's.
/// </summary>
public static class SwapCosts
{
    /// <summary>The costs of <paramref name="order"/> with <paramref name="replacement"/> in the place of <paramref name="old"/>.</summary>
    public static OrderCosts After(Order order, OrderDomain old, OrderDomain replacement, long? replacementPriceCents)
    {
        var lines = order.Costs.LineItems.ToList();
        var index = lines.FindIndex(l => l.Type == "domain_registration");
        var line = index >= 0 ? lines[index] : new LineItem("domain_registration", 0, 0);
        if (old.Source == "registered")
        {
            line = OrderCostReduction.Reduce(line, 1);
        }

        if (replacement.Source == "registered")
        {
            line = line with { Quantity = line.Quantity + 1, AmountCents = line.AmountCents + (replacementPriceCents ?? 0) };
        }

        if (index >= 0)
        {
            lines[index] = line;
        }
        else if (line.Quantity > 0)
        {
            lines.Add(line);
        }

        return order.Costs with
        {
            TotalCents = lines.Sum(l => l.AmountCents),
            LineItems = lines,
        };
    }
}
