namespace Peeker.Cli;

/// <summary>The process entry: the real console, environment variables and network.</summary>
internal static class Program
{
    private static async Task<int> Main(string[] args)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(100) };
        return await PeekerCli.RunAsync(args, new CliEnvironment(http, Console.Out, Console.Error, Environment.GetEnvironmentVariable));
    }
}
