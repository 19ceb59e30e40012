using System.Globalization;

namespace Peeker.Benchmarks;

/// <summary>The benchmark's one table: a metric per row, our settings and Durable Functions' defaults side by side.</summary>
public sealed class ResultTable(string oursName, string defaultsName)
{
    private readonly List<string[]> _rows = [];

    /// <summary>
    /// Adds a row. The ratio is always ours / defaults; <paramref name="higherIsBetter"/> only labels which side of 1 wins.
    /// A null value is a scenario that failed or was skipped.
    /// </summary>
    public void Add(string metric, double? ours, double? defaults, string format, bool higherIsBetter, string former = "")
    {
        var ratio = ours is { } o && defaults is { } d && d != 0 ? $"x{o / d:F2}" + (higherIsBetter ? "" : " (lower wins)") : "";
        string Cell(double? v) => v is { } x ? x.ToString(format, CultureInfo.InvariantCulture) : "n/a";
        string[] row = [metric, Cell(ours), Cell(defaults), ratio, former];
        _rows.Add(row);
        Console.WriteLine("  measured: " + string.Join(" | ", row));
    }

    public void Print()
    {
        string[] header = ["metric", oursName, defaultsName, "ours / defaults", "former engine"];
        var widths = Enumerable.Range(0, header.Length).Select(c => _rows.Append(header).Max(r => r[c].Length)).ToArray();
        string Line(string[] r) => "| " + string.Join(" | ", r.Select((v, c) => v.PadRight(widths[c]))) + " |";
        Console.WriteLine();
        Console.WriteLine(Line(header));
        Console.WriteLine("|" + string.Join("|", widths.Select(w => new string('-', w + 2))) + "|");
        foreach (var row in _rows)
        {
            Console.WriteLine(Line(row));
        }
    }
}
