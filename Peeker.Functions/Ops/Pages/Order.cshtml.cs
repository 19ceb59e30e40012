using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Peeker.Functions.Ops.Pages;

/// <summary>An order joined with its orchestrations, webhook deliveries and (sandbox) simulator state.</summary>
public sealed class OrderModel(OpsOrders orders) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string? Id { get; set; }

    public OpsOrderView? View { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        var id = Id?.Trim();
        if (string.IsNullOrEmpty(id))
        {
            return RedirectToPage("/Index");
        }

        View = await orders.GetAsync(id, cancellationToken);
        if (View is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }

        return Page();
    }
}
