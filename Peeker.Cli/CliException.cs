using System.Net;

namespace Peeker.Cli;

/// <summary>A failure that ends a command with a message on standard error and a given exit code.</summary>
public sealed class CliException(int exitCode, string message) : Exception(message)
{
    public int ExitCode { get; } = exitCode;

    /// <summary>The one place HTTP statuses become exit codes.</summary>
    public static CliException FromStatus(HttpStatusCode status, string what, string? serverMessage)
    {
        var detail = string.IsNullOrWhiteSpace(serverMessage) ? string.Empty : $": {serverMessage}";
        return status switch
        {
            HttpStatusCode.NotFound => new CliException(ExitCodes.NotFound, $"Not found: {what}{detail}"),
            HttpStatusCode.Unauthorized or HttpStatusCode.Forbidden => new CliException(
                ExitCodes.Unauthorized,
                $"{(int)status} {status}: the key is wrong or lacks the right{detail}"
            ),
            _ => new CliException(ExitCodes.Error, $"{(int)status} {status} for {what}{detail}"),
        };
    }
}
