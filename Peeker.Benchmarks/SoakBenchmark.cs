namespace Peeker.Benchmarks;

/// <summary>
/// <c>soak</c> (issue 15 item 7): steady small orders and cancellations on one host for a long time; prints a row a
/// minute (orders, host memory, storage requests per second by service, webhooks), then the idle host's storage
/// requests per second, a flatness verdict and the chaos harness's counts. Exit code 1 on anything lost or done twice.
/// </summary>
public static class SoakBenchmark
{
    public static async Task<int> RunAsync(string[] args)
    {
        var settings = SoakSettings.Parse(args);
        Console.WriteLine($"Peeker soak: {settings.Describe()}");
        Console.WriteLine($"  {DateTimeOffset.UtcNow:u}, {Environment.ProcessorCount} cores, load average {ChaosBenchmark.LoadAverage()}");
        var result = await SoakRun.RunAsync(settings);
        Console.WriteLine();
        Console.WriteLine("| metric | value |");
        Console.WriteLine("| --- | --- |");
        foreach (var (metric, value) in result.Rows())
        {
            Console.WriteLine($"| {metric} | {value} |");
        }

        foreach (var problem in result.Problems.Concat(result.Chaos.Unexpected))
        {
            Console.WriteLine($"  UNEXPECTED: {problem}");
        }

        Console.WriteLine($"  load average at the end {ChaosBenchmark.LoadAverage()}");
        if (!result.Passed)
        {
            Console.WriteLine("  host log tail:\n  " + string.Join("\n  ", result.Chaos.LogTail));
        }

        return result.Passed ? 0 : 1;
    }
}
