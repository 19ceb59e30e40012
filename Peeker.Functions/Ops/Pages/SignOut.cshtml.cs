using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;

namespace Peeker.Functions.Ops.Pages;

/// <summary>Ends the console session (POST only, with anti-forgery).</summary>
public sealed class SignOutModel : PageModel
{
    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        await HttpContext.SignOutAsync(OpsConsoleComposition.Scheme);
        return Redirect(OpsConsoleComposition.BasePath + "/signin");
    }
}
