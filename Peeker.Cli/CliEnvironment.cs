namespace Peeker.Cli;

/// <summary>
/// What the CLI touches outside itself, injected so tests run it in-process: the HTTP client (a test host's handler),
/// the output writers and the environment variables.
/// </summary>
public sealed record CliEnvironment(HttpClient Http, TextWriter Out, TextWriter Error, Func<string, string?> Variables)
{
    public const string UrlVariable = "PEEKER_URL";
    public const string AdminKeyVariable = "PEEKER_ADMIN_KEY";
    public const string ManagementKeyVariable = "PEEKER_MANAGEMENT_KEY";
    public const string DefaultUrl = "http://127.0.0.1:7071";
}
