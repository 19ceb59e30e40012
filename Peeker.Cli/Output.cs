using System.Text.Json;
using System.Text.Json.Nodes;

namespace Peeker.Cli;

/// <summary>Writes answers as indented JSON (<c>--json</c>) or as aligned text tables for people.</summary>
public static class Output
{
    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    public static void Json(TextWriter writer, JsonNode? node) => writer.WriteLine(node?.ToJsonString(Indented) ?? "null");

    /// <summary>A table with a header row; columns are as wide as their widest cell.</summary>
    public static void Table(TextWriter writer, IReadOnlyList<string> headers, IEnumerable<IReadOnlyList<string?>> rows)
    {
        var all = rows.Select(r => r.Select(c => Clean(c)).ToArray()).ToList();
        var widths = headers
            .Select((h, i) => Math.Max(h.Length, all.Count == 0 ? 0 : all.Max(r => i < r.Length ? r[i].Length : 0)))
            .ToArray();
        writer.WriteLine(Line(headers.ToArray(), widths));
        foreach (var row in all)
        {
            writer.WriteLine(Line(row, widths));
        }
    }

    /// <summary>Name/value pairs, one a line, names aligned.</summary>
    public static void Fields(TextWriter writer, IEnumerable<(string Name, string? Value)> fields)
    {
        var list = fields.ToList();
        var width = list.Max(f => f.Name.Length);
        foreach (var (name, value) in list)
        {
            writer.WriteLine($"{(name + ":").PadRight(width + 2)}{Clean(value)}");
        }
    }

    /// <summary>A JSON value as a short text cell: strings bare, anything else as compact JSON.</summary>
    public static string? Text(JsonNode? node) =>
        node switch
        {
            null => null,
            JsonValue v when v.TryGetValue<string>(out var s) => s,
            _ => node.ToJsonString(),
        };

    private static string Line(string[] cells, int[] widths) =>
        string.Join("  ", cells.Select((c, i) => i == cells.Length - 1 ? c : c.PadRight(widths[i]))).TrimEnd();

    // One line per cell: a failure's stack or a multi-line output would break the table.
    private static string Clean(string? value)
    {
        var text = (value ?? "-").ReplaceLineEndings(" ");
        return text.Length > 120 ? text[..117] + "..." : text;
    }
}
