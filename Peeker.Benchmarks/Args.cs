using System.Globalization;

namespace Peeker.Benchmarks;

/// <summary>The harness commands' <c>--name value</c> options and <c>--flag</c>s.</summary>
internal sealed class Args(string[] args)
{
    public bool Has(string flag) => args.Contains(flag);

    public string Text(string name, string fallback)
    {
        var i = Array.IndexOf(args, name);
        return i >= 0 && i + 1 < args.Length ? args[i + 1] : fallback;
    }

    public double Number(string name, double fallback) =>
        double.Parse(Text(name, fallback.ToString(CultureInfo.InvariantCulture)), CultureInfo.InvariantCulture);

    public int Integer(string name, int fallback) => (int)Number(name, fallback);

    /// <summary><c>--kill-every 5-10</c>: a range in seconds (a single number is both ends).</summary>
    public (double Min, double Max) Range(string name, double min, double max)
    {
        var text = Text(name, string.Empty);
        if (text.Length == 0)
        {
            return (min, max);
        }

        var parts = text.Split('-', 2);
        var low = double.Parse(parts[0], CultureInfo.InvariantCulture);
        return (low, parts.Length == 2 ? double.Parse(parts[1], CultureInfo.InvariantCulture) : low);
    }
}
