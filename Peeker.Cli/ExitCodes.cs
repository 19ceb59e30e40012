namespace Peeker.Cli;

/// <summary>Exit codes scripts can trust; the README lists them.</summary>
public static class ExitCodes
{
    public const int Ok = 0;

    /// <summary>The server failed, refused the request for another reason (400, 409, 410…) or could not be reached.</summary>
    public const int Error = 1;

    /// <summary>The command line is wrong (System.CommandLine's parse errors) or a key variable is not set.</summary>
    public const int Usage = 2;

    public const int NotFound = 3;

    /// <summary>401 or 403: the key in the environment is wrong or lacks the right.</summary>
    public const int Unauthorized = 4;
}
