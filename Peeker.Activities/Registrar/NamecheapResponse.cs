using System.Globalization;
using System.Xml.Linq;
using Peeker.Activities.Providers;

namespace Peeker.Activities.Registrar;

/// <summary>
/// Namecheap's XML envelope: <c>ApiResponse Status="OK|ERROR"</c> with <c>Errors/Error Number</c> and a
/// <c>CommandResponse</c>. Failures arrive as HTTP 200 with Status ERROR; this is the one place they are mapped.
/// </summary>
internal sealed record NamecheapResponse(bool Ok, IReadOnlyList<NamecheapError> Errors, XElement? CommandResponse)
{
    public static readonly XNamespace Ns = "http://api.namecheap.com/xml.response";

    /// <summary>Global (account, key, IP whitelist) errors: configuration problems, never fixed by retrying.</summary>
    private static readonly HashSet<string> AuthErrors =
    [
        "1010101",
        "1010102",
        "1011102",
        "1010104",
        "1010105",
        "1011105",
        "1011150",
        "1017150",
        "1017105",
        "1017101",
        "1017410",
        "1017411",
        "1019103",
        "1016103",
        "1017103",
        "1030408",
    ];

    /// <summary>Registrar-backend and unknown errors that a later attempt may not hit.</summary>
    private static readonly HashSet<string> RetryableErrors = ["1050900", "3031166", "3028166", "3031900", "4023166", "5050900"];

    /// <summary>"Domain not available" on create.</summary>
    public static readonly IReadOnlySet<string> UnavailableErrors = new HashSet<string> { "3019166", "4019166" };

    /// <summary>getInfo on a domain that is not in our account.</summary>
    public static readonly IReadOnlySet<string> NotOursErrors = new HashSet<string> { "2019166", "2016166" };

    public static NamecheapResponse Parse(string xml)
    {
        var root = XDocument.Parse(xml).Root ?? throw new FormatException("no root element");
        if (root.Name != Ns + "ApiResponse")
        {
            throw new FormatException($"unexpected root {root.Name.LocalName}");
        }

        var ok = string.Equals((string?)root.Attribute("Status"), "OK", StringComparison.OrdinalIgnoreCase);
        var errors =
            root.Element(Ns + "Errors")
                ?.Elements(Ns + "Error")
                .Select(e => new NamecheapError((string?)e.Attribute("Number") ?? "0", e.Value.Trim()))
                .ToList()
            ?? [];
        return new NamecheapResponse(ok, errors, root.Element(Ns + "CommandResponse"));
    }

    public bool HasError(IReadOnlySet<string> numbers) => Errors.Any(e => numbers.Contains(e.Number));

    /// <summary>The exception for an ERROR answer (first error decides; all numbers are in the message).</summary>
    public ProviderException ToException()
    {
        var first = Errors.Count > 0 ? Errors[0] : new NamecheapError("0", "Status ERROR without an error element");
        var retryable = RetryableErrors.Contains(first.Number);
        var kind = AuthErrors.Contains(first.Number) ? "authentication or whitelist" : "command";
        var all = string.Join("; ", Errors.Select(e => $"{e.Number} {e.Message}"));
        return new ProviderException(ProviderNames.Registrar, first.Number, $"Namecheap {kind} error: {all}", retryable);
    }

    public static bool Bool(XElement element, string attribute) =>
        string.Equals((string?)element.Attribute(attribute), "true", StringComparison.OrdinalIgnoreCase);

    public static decimal? Money(XElement element, string attribute) =>
        decimal.TryParse((string?)element.Attribute(attribute), NumberStyles.Number, CultureInfo.InvariantCulture, out var value)
            ? value
            : null;
}

/// <summary>One <c>Errors/Error</c> item.</summary>
internal sealed record NamecheapError(string Number, string Message);
