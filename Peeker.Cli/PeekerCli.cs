using System.CommandLine;
using System.CommandLine.Invocation;

namespace Peeker.Cli;

/// <summary>
/// The <c>peeker</c> command tree and its one entry point. <see cref="Program"/> calls it with the real console,
/// environment and an <see cref="HttpClient"/>; tests call it with a test host's client and string writers.
/// </summary>
public static class PeekerCli
{
    public static async Task<int> RunAsync(IReadOnlyList<string> args, CliEnvironment env, CancellationToken ct = default)
    {
        ArgumentNullException.ThrowIfNull(env);
        var parse = Build(env).Parse(args);
        var code = await parse.InvokeAsync(new InvocationConfiguration { Output = env.Out, Error = env.Error }, ct);

        // System.CommandLine answers a parse error with 1; scripts get 2 (usage) to tell it from a server failure.
        return parse.Action is ParseErrorAction ? ExitCodes.Usage : code;
    }

    public static RootCommand Build(CliEnvironment env)
    {
        var globals = new CliGlobals(env);
        var root = new RootCommand(
            "Operate a Peeker host through its management and admin HTTP APIs. Keys come from PEEKER_ADMIN_KEY and PEEKER_MANAGEMENT_KEY."
        );
        root.Options.Add(globals.Url);
        root.Options.Add(globals.Json);
        root.Subcommands.Add(InstanceCommands.Build(globals));
        root.Subcommands.Add(PartnerCommands.Build(globals));
        root.Subcommands.Add(OrderCommands.Build(globals));
        root.Subcommands.Add(WebhookCommands.Build(globals));
        return root;
    }
}

/// <summary>Options every command takes, and the wrapper that turns a command's failure into its exit code.</summary>
public sealed class CliGlobals
{
    public CliGlobals(CliEnvironment env)
    {
        Env = env;
        Url = new Option<string>("--url")
        {
            Description = $"Base URL of the host (default: ${CliEnvironment.UrlVariable} or {CliEnvironment.DefaultUrl}).",
            Recursive = true,
            DefaultValueFactory = _ => env.Variables(CliEnvironment.UrlVariable) is { Length: > 0 } url ? url : CliEnvironment.DefaultUrl,
        };
        Json = new Option<bool>("--json") { Description = "Write the server's JSON instead of a table.", Recursive = true };
    }

    public CliEnvironment Env { get; }

    public Option<string> Url { get; }

    public Option<bool> Json { get; }

    /// <summary>Sets <paramref name="command"/>'s action: <paramref name="run"/> with an API client, mapping failures to exit codes.</summary>
    public void Handle(Command command, Func<CommandRun, Task> run) =>
        command.SetAction(
            async (parse, ct) =>
            {
                try
                {
                    var text = parse.GetValue(Url)!;
                    if (
                        !Uri.TryCreate(text, UriKind.Absolute, out var baseUrl)
                        || (baseUrl.Scheme != Uri.UriSchemeHttp && baseUrl.Scheme != Uri.UriSchemeHttps)
                    )
                    {
                        throw new CliException(ExitCodes.Usage, $"--url must be an absolute http(s) URL, not '{text}'.");
                    }

                    await run(new CommandRun(parse, new PeekerApi(Env, baseUrl), Env.Out, parse.GetValue(Json), ct));
                    return ExitCodes.Ok;
                }
                catch (CliException ex)
                {
                    await Env.Error.WriteLineAsync(ex.Message);
                    return ex.ExitCode;
                }
            }
        );
}

/// <summary>One invocation: the parse result, the API, where to write and whether to write JSON.</summary>
public sealed record CommandRun(ParseResult Parse, PeekerApi Api, TextWriter Out, bool Json, CancellationToken Cancellation);
