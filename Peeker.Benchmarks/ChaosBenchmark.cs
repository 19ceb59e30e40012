namespace Peeker.Benchmarks;

/// <summary>
/// <c>chaos</c>, <c>faults</c> and <c>provider-faults</c> (issue 15): what Peeker survives, as a table. A run exits 1
/// when an order failed unexpectedly or anything was bought, created or announced twice, or lost.
/// </summary>
public static class ChaosBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = ChaosSettings.Parse(args);
        Console.WriteLine($"Peeker {settings.Command}: {settings.Describe()}");
        Console.WriteLine($"  {DateTimeOffset.UtcNow:u}, {Environment.ProcessorCount} cores, load average {LoadAverage()}");
        ChaosResult? baseline = null;
        if (settings.Command != "chaos" && !args.Contains("--no-baseline"))
        {
            Console.WriteLine("  fault-free baseline run…");
            baseline = await ChaosRun.RunAsync(settings.FaultFree());
        }

        var result = await ChaosRun.RunAsync(settings);
        Console.WriteLine();
        Console.WriteLine(baseline is null ? "| metric | value |" : "| metric | with faults | fault-free |");
        Console.WriteLine(baseline is null ? "| --- | --- |" : "| --- | --- | --- |");
        var plain = baseline?.Rows().ToDictionary(r => r.Metric, r => r.Value);
        foreach (var (metric, value) in result.Rows())
        {
            Console.WriteLine(
                plain is null ? $"| {metric} | {value} |" : $"| {metric} | {value} | {plain.GetValueOrDefault(metric, "")} |"
            );
        }

        if (baseline is not null)
        {
            Console.WriteLine(
                $"\nextra time for the faults: {result.WallSeconds - baseline.WallSeconds:F1} s ({result.WallSeconds / baseline.WallSeconds:P0} of the fault-free run)"
            );
        }

        foreach (var failure in result.ExpectedFailures)
        {
            Console.WriteLine($"  failed as planned: {failure}");
        }

        foreach (var problem in result.Unexpected)
        {
            Console.WriteLine($"  UNEXPECTED: {problem}");
        }

        Console.WriteLine($"  load average at the end {LoadAverage()}");
        if (!result.Passed)
        {
            Console.WriteLine("  host log tail:\n  " + string.Join("\n  ", result.LogTail));
        }

        return result.Passed ? 0 : 1;
    }

    internal static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
