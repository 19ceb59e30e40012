using System.Globalization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.RazorPages;
using Microsoft.DurableTask.Client;

namespace Peeker.Functions.Ops.Pages;

/// <summary>The instances list: filters, counts per status, paging by the engine's continuation token, auto-refresh.</summary>
public sealed class IndexModel(OpsInstances instances) : PageModel
{
    /// <summary>Refresh periods offered, in seconds (0: off).</summary>
    public static readonly int[] RefreshChoices = [0, 5, 10, 30, 60];

    [BindProperty(SupportsGet = true)]
    public string? Status { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Name { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? From { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? To { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Prefix { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Partner { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Order { get; set; }

    [BindProperty(SupportsGet = true)]
    public string? Continuation { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Size { get; set; }

    [BindProperty(SupportsGet = true)]
    public int? Refresh { get; set; }

    public OpsInstancePage? Result { get; private set; }

    public List<string> Errors { get; } = [];

    public async Task OnGetAsync(CancellationToken cancellationToken)
    {
        OrchestrationRuntimeStatus? status = null;
        if (!string.IsNullOrEmpty(Status))
        {
            if (Enum.TryParse<OrchestrationRuntimeStatus>(Status, ignoreCase: true, out var parsed) && !int.TryParse(Status, out _))
            {
                status = parsed;
            }
            else
            {
                Errors.Add($"Unknown status '{Status}'.");
            }
        }

        var filter = new OpsInstanceFilter(status, Name, ParseTime(From, "from"), ParseTime(To, "to"), Prefix, Partner, Order);
        if (Refresh is > 0)
        {
            ViewData["Refresh"] = Math.Clamp(Refresh.Value, 5, 600);
        }

        Result = await instances.ListAsync(
            filter,
            Math.Clamp(Size ?? 50, 1, 500),
            string.IsNullOrEmpty(Continuation) ? null : Continuation,
            cancellationToken
        );
    }

    /// <summary>The query of this list with some values replaced (paging and status links keep the other filters).</summary>
    public Dictionary<string, string?> Query(string? status = "", string? continuation = null) =>
        new()
        {
            ["status"] = status == string.Empty ? Status : status,
            ["name"] = Name,
            ["from"] = From,
            ["to"] = To,
            ["prefix"] = Prefix,
            ["partner"] = Partner,
            ["order"] = Order,
            ["size"] = Size?.ToString(CultureInfo.InvariantCulture),
            ["refresh"] = Refresh?.ToString(CultureInfo.InvariantCulture),
            ["continuation"] = continuation,
        };

    // datetime-local gives "yyyy-MM-ddTHH:mm" without a zone: the console works in UTC.
    private DateTimeOffset? ParseTime(string? text, string field)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        if (
            DateTimeOffset.TryParse(
                text,
                CultureInfo.InvariantCulture,
                DateTimeStyles.AssumeUniversal | DateTimeStyles.AdjustToUniversal,
                out var value
            )
        )
        {
            return value;
        }

        Errors.Add($"'{text}' is not a date and time ({field}).");
        return null;
    }
}
