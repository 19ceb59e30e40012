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
            var candidates =
                last.Length == 0
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

    /// <summary>Lowercase ASCII letters of <paramref name="name"/>, accents transliterated (José → jose, Ørsted → orsted).</summary>
    public static string Ascii(string name)
    {
        var builder = new StringBuilder(name.Length);
        foreach (var c in name.Trim().ToLowerInvariant())
        {
            if (c is >= 'a' and <= 'z')
            {
                builder.Append(c);
            }
            else if (Latin.TryGetValue(c, out var plain))
            {
                builder.Append(plain);
            }
        }

        return builder.ToString();
    }

    // Explicit table: the build runs with invariant globalization, where Unicode decomposition is not available.
    private static readonly Dictionary<char, string> Latin = BuildLatin();

    private static Dictionary<char, string> BuildLatin()
    {
        var map = new Dictionary<char, string>();
        void Add(string accented, string plain)
        {
            foreach (var c in accented)
            {
                map[c] = plain;
            }
        }

        Add("àáâãäåāăą", "a");
        Add("çćĉċč", "c");
        Add("ďđð", "d");
        Add("èéêëēĕėęě", "e");
        Add("ĝğġģ", "g");
        Add("ĥħ", "h");
        Add("ìíîïĩīĭįı", "i");
        Add("ĵ", "j");
        Add("ķ", "k");
        Add("ĺļľŀł", "l");
        Add("ñńņňŉ", "n");
        Add("òóôõöøōŏő", "o");
        Add("ŕŗř", "r");
        Add("śŝşš", "s");
        Add("ţťŧ", "t");
        Add("ùúûüũūŭůűų", "u");
        Add("ŵ", "w");
        Add("ýÿŷ", "y");
        Add("źżž", "z");
        Add("ß", "ss");
        Add("æ", "ae");
        Add("œ", "oe");
        Add("þ", "th");
        return map;
    }
}
