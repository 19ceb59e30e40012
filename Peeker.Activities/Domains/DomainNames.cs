using System.Globalization;
using System.Text;

namespace Peeker.Activities.Domains;

/// <summary>
/// Domain name normalisation: trim, lower case, no trailing dot, IDN to punycode (UTS #46 through ICU, which also
/// applies NFC, so a decomposed <c>e + U+0301</c> and a precomposed <c>é</c> give one name), then LDH syntax checks.
/// </summary>
public static class DomainNames
{
    private static readonly IdnMapping Idn = new() { AllowUnassigned = false, UseStd3AsciiRules = true };

    // Invariant globalization (DOTNET_SYSTEM_GLOBALIZATION_INVARIANT=1 on a host without libicu) punycodes without
    // normalising: then a non-ASCII name is refused as invalid rather than registered as something the customer did not mean.
    private static readonly bool IdnNormalises = Idn.GetAscii("cafe\u0301.com") == Idn.GetAscii("caf\u00e9.com");

    /// <summary>The normalised name, or null when <paramref name="input"/> is not a valid registrable-looking name.</summary>
    public static string? Normalize(string? input)
    {
        var name = input?.Trim().TrimEnd('.');
        if (string.IsNullOrEmpty(name) || name.Length > 253)
        {
            return null;
        }

        if (!IdnNormalises && !Ascii.IsValid(name))
        {
            return null;
        }

        try
        {
            name = Idn.GetAscii(name.ToLowerInvariant());
        }
        catch (ArgumentException)
        {
            return null;
        }

        var labels = name.Split('.');
        if (labels.Length < 2 || name.Length > 253)
        {
            return null;
        }

        foreach (var label in labels)
        {
            if (
                label.Length is 0 or > 63
                || label[0] == '-'
                || label[^1] == '-'
                || !label.All(c => c is (>= 'a' and <= 'z') or (>= '0' and <= '9') or '-')
            )
            {
                return null;
            }
        }

        var tld = labels[^1];
        return tld.Length >= 2 && (tld.All(char.IsAsciiLetter) || tld.StartsWith("xn--", StringComparison.Ordinal)) ? name : null;
    }

    /// <summary>Two-label public suffixes under which the registrable name has three labels (<c>acme.co.uk</c>).</summary>
    private static readonly HashSet<string> SecondLevelSuffixes =
    [
        "co.uk",
        "org.uk",
        "me.uk",
        "ltd.uk",
        "plc.uk",
        "com.au",
        "net.au",
        "org.au",
        "co.nz",
        "org.nz",
        "co.za",
        "com.br",
        "com.mx",
        "co.jp",
        "co.in",
        "co.il",
        "com.sg",
        "com.tr",
        "com.cn",
        "com.hk",
        "co.kr",
    ];

    /// <summary>
    /// True when <paramref name="normalized"/> is a root (registrable) domain: one label under its public suffix
    /// (<c>acme.com</c>, <c>acme.co.uk</c>), not a subdomain (<c>mail.acme.com</c>). Covers the common two-level suffixes.
    /// </summary>
    public static bool IsRoot(string normalized)
    {
        var labels = normalized.Split('.');
        return labels.Length == 2 || (labels.Length == 3 && SecondLevelSuffixes.Contains(labels[1] + "." + labels[2]));
    }

    /// <summary>The top-level label.</summary>
    public static string Tld(string normalized) => normalized[(normalized.LastIndexOf('.') + 1)..];
}
