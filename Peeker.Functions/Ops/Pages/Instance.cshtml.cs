using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Peeker.Functions.Ops.Pages;

/// <summary>
/// One instance: status, input and output (secrets masked), custom status, failure, the timeline, and the actions,
/// each behind a confirmation box the server checks too.
/// </summary>
public sealed class InstanceModel(OpsInstances instances) : PageModel
{
    [BindProperty(SupportsGet = true)]
    public string Id { get; set; } = string.Empty;

    [BindProperty(SupportsGet = true)]
    public int? Refresh { get; set; }

    [TempData]
    public string? Notice { get; set; }

    [TempData]
    public bool NoticeFailed { get; set; }

    public OpsInstanceDetails? Details { get; private set; }

    public async Task<IActionResult> OnGetAsync(CancellationToken cancellationToken)
    {
        Details = await instances.GetAsync(Id, cancellationToken);
        if (Details is null)
        {
            Response.StatusCode = StatusCodes.Status404NotFound;
        }
        else if (Refresh is > 0 && !Details.Instance.IsCompleted)
        {
            ViewData["Refresh"] = Math.Clamp(Refresh.Value, 5, 600);
        }

        return Page();
    }

    public async Task<IActionResult> OnPostActAsync(
        OpsAction action,
        bool confirm,
        string? reason,
        string? eventName,
        string? eventJson,
        CancellationToken cancellationToken
    )
    {
        OpsActionResult result = confirm
            ? await instances.ActAsync(Id, action, reason, eventName, eventJson, cancellationToken)
            : new(false, $"Tick the confirmation box to {action.ToString().ToLowerInvariant()} the instance.");
        Notice = result.Message;
        NoticeFailed = !result.Succeeded;
        return result.Purged ? RedirectToPage("/Index") : RedirectToPage("/Instance", new { id = Id });
    }
}
