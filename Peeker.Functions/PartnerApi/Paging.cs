using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.WebUtilities;
using Peeker.Activities.Common;
using Peeker.Functions.Hosting;

namespace Peeker.Functions.PartnerApi;

/// <summary>Cursor pagination: <c>per_page</c> 1-100 (default 25), opaque <c>page_token</c>, <c>links</c>/<c>meta</c>.</summary>
public static class Paging
{
    /// <summary>The page asked for by the query string.</summary>
    public static PageRequest Read(HttpRequest request)
    {
        var perPage = 25;
        if (
            request.Query.TryGetValue("per_page", out var raw)
            && (
                !int.TryParse(
                    raw.ToString(),
                    System.Globalization.NumberStyles.None,
                    System.Globalization.CultureInfo.InvariantCulture,
                    out perPage
                ) || perPage is < 1 or > 100
            )
        )
        {
            throw ApiException.Invalid("per_page", "per_page must be an integer from 1 to 100.");
        }

        string? after = null;
        if (request.Query.TryGetValue("page_token", out var token) && !string.IsNullOrEmpty(token))
        {
            try
            {
                using var doc = JsonDocument.Parse(WebEncoders.Base64UrlDecode(token.ToString()));
                after = doc.RootElement.GetProperty("after").GetString();
            }
            catch (Exception ex) when (ex is FormatException or JsonException or KeyNotFoundException or InvalidOperationException)
            {
                after = null;
            }

            if (after is null)
            {
                throw ApiException.Invalid("page_token", "page_token is not a token from links.next.");
            }
        }

        return new PageRequest(perPage, after);
    }

    /// <summary>The list envelope of a page, echoing the request's filters into its links.</summary>
    public static PartnerPage<TOut> Result<TRow, TOut>(HttpRequest request, ResultPage<TRow> page, PageRequest asked, Func<TRow, TOut> map)
    {
        // From the configured origin, never the request's Host header.
        var path = request.HttpContext.RequestServices.GetRequiredService<PublicBaseUrl>().PathOf(request);
        var filters = request
            .Query.Where(q => q.Key is not ("per_page" or "page_token"))
            .Select(q => $"{Uri.EscapeDataString(q.Key)}={Uri.EscapeDataString(q.Value.ToString())}");
        var query = string.Join("&", filters.Append($"per_page={asked.PerPage}"));
        var next = page.NextAfter is null
            ? null
            : $"{path}?{query}&page_token={WebEncoders.Base64UrlEncode(Encoding.UTF8.GetBytes(JsonSerializer.Serialize(new { after = page.NextAfter })))}";
        var rows = page.Items.Select(map).ToList();
        return new PartnerPage<TOut>(
            new ListEnvelope<TOut>(rows, new ListLinks($"{path}?{query}", next), new ListMeta(path, asked.PerPage, rows.Count))
        );
    }

    /// <summary>An optional query value restricted to <paramref name="allowed"/>.</summary>
    public static string? Filter(HttpRequest request, string name, IReadOnlyList<string>? allowed = null)
    {
        if (!request.Query.TryGetValue(name, out var raw) || string.IsNullOrEmpty(raw))
        {
            return null;
        }

        var value = raw.ToString();
        return allowed is null || allowed.Contains(value)
            ? value
            : throw ApiException.Invalid(name, $"{name} must be one of: {string.Join(", ", allowed)}.");
    }
}
