using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;
using Peeker.Functions.Admin;
using Peeker.Functions.PartnerApi;

namespace Peeker.Functions.Ops.Pages;

/// <summary>
/// Sign-in with the admin key, compared in constant time (<see cref="AdminKeyFilter.KeyEquals"/>). A wrong key counts
/// against the address's failed-authentication budget, the one the Partner API uses; over it, sign-in answers 429
/// without checking the key.
/// </summary>
public sealed class SignInModel(IOptions<AdminKeyOptions> keys, PartnerRateLimits limits) : PageModel
{
    [BindProperty]
    public string? AdminKey { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? ReturnUrl { get; set; }

    public string? Error { get; private set; }

    public void OnGet() { }

    public async Task<IActionResult> OnPostAsync()
    {
        try
        {
            limits.ThrowIfAddressBlocked(HttpContext);
        }
        catch (ApiException)
        {
            Error = "Too many failed sign-ins from this address; wait a minute and try again.";
            Response.StatusCode = StatusCodes.Status429TooManyRequests;
            return Page();
        }

        if (!AdminKeyFilter.KeyEquals(AdminKey, keys.Value.AdminKey))
        {
            limits.RecordFailedAuthentication(HttpContext);
            Error = "That is not the admin key.";
            Response.StatusCode = StatusCodes.Status401Unauthorized;
            return Page();
        }

        await HttpContext.SignInAsync(
            OpsConsoleComposition.Scheme,
            OpsConsoleComposition.Operator(),
            new AuthenticationProperties { IsPersistent = false }
        );
        return LocalRedirect(SafeReturnUrl(ReturnUrl));
    }

    /// <summary>Only console pages: an open redirect elsewhere, even on this host, is refused.</summary>
    internal static string SafeReturnUrl(string? returnUrl) =>
        returnUrl is { Length: > 0 } url
        && (
            url == OpsConsoleComposition.BasePath
            || url.StartsWith(OpsConsoleComposition.BasePath + "/", StringComparison.Ordinal)
            || url.StartsWith(OpsConsoleComposition.BasePath + "?", StringComparison.Ordinal)
        )
        && !url.Contains("//", StringComparison.Ordinal)
        && !url.Contains('\\', StringComparison.Ordinal)
            ? url
            : OpsConsoleComposition.BasePath;
}
