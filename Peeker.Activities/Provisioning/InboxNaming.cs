using System.Globalization;
using System.Text;

namespace Peeker.Activities.Provisioning;

/// <summary>
/// Inbox local parts from personas: personas are used round-robin; for each inbox the persona's candidates are tried
/// in order <c>first</c>, <c>first.last</c>, <c>firstlast</c>, <c>flast</c>, <c>first_l</c>, then <c>first.last2</c>,
/// <c>first.last3</c>…; names are transliterated to lowercase ASCII letters; local parts are unique per domain.
/// </summary>
public static class InboxNaming
{
    /// <summary>Plans <paramref name="count"/> local parts for one domain.</summary>
    public static IReadOnlyList<(string LocalPart, int Persona)> Plan(IReadOnlyList<(string First, string Last)> personas, int count)
    {
        if (personas.Count == 0 || count <= 0)
        {
            return [];
        }

        var used = new HashSet<string>(StringComparer.Ordinal);
        var plan = new List<(string, int)>(count);
        for (var i = 0; i < count; i++)
        {
            var persona = i % personas.Count;
            var first = Ascii(personas[persona].First);
            var last = Ascii(personas[persona].Last);
            first = first.Length == 0 ? "inbox" : first;
            var candidates = last.Length == 0
                ? [first]
                : new[] { first, $"{first}.{last}", $"{first}{last}", $"{first[0]}{last}", $"{first}_{last[0]}" };
            var chosen = candidates.FirstOrDefault(used.Add);
            for (var n = 2; chosen is null; n++)
            {
                var numbered = last.Length == 0 ? $"{first}{n}" : $"{first}.{last}{n}";
                chosen = used.Add(numbered) ? numbered : null;
            }

            plan.Add((chosen, persona));
        }

        return plan;
    }

    /// <summary>Lowercase ASCII letters of <paramref name="name"/>, accents removed (José → jose, Ørsted → orsted).</summary>
    public static string Ascii(string name)
    {
        var decomposed = name.Trim().ToLowerInvariant()
            .Replace("ß", "ss", StringComparison.Ordinal).Replace("æ", "ae", StringComparison.Ordinal)
            .Replace("ø", "o", StringComparison.Ordinal).Replace("œ", "oe", StringComparison.Ordinal)
            .Replace("đ", "d", StringComparison.Ordinal).Replace("ł", "l", StringComparison.Ordinal)
            .Normalize(NormalizationForm.FormD);
        var builder = new StringBuilder(decomposed.Length);
        foreach (var c in decomposed)
        {
            if (CharUnicodeInfo.GetUnicodeCategory(c) != UnicodeCategory.NonSpacingMark && c is >= 'a' and <= 'z')
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }
}
