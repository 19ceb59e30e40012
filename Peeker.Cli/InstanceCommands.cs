using System.CommandLine;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Peeker.Cli;

/// <summary><c>peeker instances …</c>: the Durable Functions management API (<c>PEEKER_MANAGEMENT_KEY</c>).</summary>
public static class InstanceCommands
{
    private const string ContinuationHeader = "x-ms-continuation-token";

    public static Command Build(CliGlobals globals)
    {
        var command = new Command(
            "instances",
            "Orchestration instances: list, show, history, start, terminate, rewind, suspend, resume, purge, raise events."
        );
        command.Subcommands.Add(List(globals));
        command.Subcommands.Add(Show(globals));
        command.Subcommands.Add(History(globals));
        command.Subcommands.Add(Start(globals));
        foreach (
            var (verb, description) in new[]
            {
                ("terminate", "Terminate a running instance."),
                ("rewind", "Rewind a failed instance to its last good state."),
                ("suspend", "Suspend a running instance."),
                ("resume", "Resume a suspended instance."),
            }
        )
        {
            command.Subcommands.Add(Act(globals, verb, description));
        }

        command.Subcommands.Add(Purge(globals));
        command.Subcommands.Add(Raise(globals));
        return command;
    }

    private static Command List(CliGlobals globals)
    {
        var status = new Option<string[]>("--status")
        {
            Description = "Runtime statuses, comma-separated or repeated (Running,Failed…).",
            AllowMultipleArgumentsPerToken = true,
        };
        var prefix = new Option<string?>("--prefix") { Description = "Instance id prefix (ord_…)." };
        var top = new Option<int?>("--top") { Description = "Page size (1-1000, server default 100)." };
        var from = new Option<DateTimeOffset?>("--created-from") { Description = "Created at or after (ISO 8601)." };
        var to = new Option<DateTimeOffset?>("--created-to") { Description = "Created at or before (ISO 8601)." };
        var continuation = new Option<string?>("--continuation") { Description = "Continuation token printed by the previous page." };
        top.Validators.Add(r =>
        {
            if (r.GetValueOrDefault<int?>() is < 1 or > 1000)
            {
                r.AddError("--top must be between 1 and 1000.");
            }
        });
        var command = new Command("list", "List one page of instances, filtered by status, id prefix or creation time.")
        {
            status,
            prefix,
            top,
            from,
            to,
            continuation,
        };
        globals.Handle(
            command,
            async run =>
            {
                var query = new List<string>();
                var statuses = (run.Parse.GetValue(status) ?? [])
                    .SelectMany(s => s.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                    .ToArray();
                Add(query, "runtimeStatus", statuses.Length == 0 ? null : string.Join(',', statuses));
                Add(query, "instanceIdPrefix", run.Parse.GetValue(prefix));
                Add(query, "top", run.Parse.GetValue(top)?.ToString(CultureInfo.InvariantCulture));
                Add(query, "createdTimeFrom", run.Parse.GetValue(from)?.ToString("o", CultureInfo.InvariantCulture));
                Add(query, "createdTimeTo", run.Parse.GetValue(to)?.ToString("o", CultureInfo.InvariantCulture));
                var headers = run.Parse.GetValue(continuation) is { Length: > 0 } token
                    ? new Dictionary<string, string> { [ContinuationHeader] = token }
                    : null;
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Get,
                    "/instances" + (query.Count == 0 ? "" : "?" + string.Join('&', query)),
                    "instances",
                    headers: headers,
                    ct: run.Cancellation
                );
                var next = answer.Headers.TryGetValues(ContinuationHeader, out var values) ? values.FirstOrDefault() : null;
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                }
                else
                {
                    WriteInstances(run.Out, answer.Body as JsonArray ?? []);
                }

                if (next is not null)
                {
                    // On standard error, so --json output stays one parseable document.
                    await globals.Env.Error.WriteLineAsync($"More instances: --continuation {next}");
                }
            }
        );
        return command;
    }

    private static Command Show(CliGlobals globals)
    {
        var id = new Argument<string>("id") { Description = "Instance id." };
        var history = new Option<bool>("--history") { Description = "Include the history events." };
        var command = new Command("show", "Show one instance's status, input, output and (with --history) its history.") { id, history };
        globals.Handle(
            command,
            async run =>
            {
                var instanceId = run.Parse.GetValue(id)!;
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Get,
                    $"/instances/{Uri.EscapeDataString(instanceId)}?showHistory={(run.Parse.GetValue(history) ? "true" : "false")}&showHistoryOutput=true",
                    $"instance '{instanceId}'",
                    ct: run.Cancellation
                );
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                    return;
                }

                WriteInstance(run.Out, answer.Body as JsonObject ?? []);
            }
        );
        return command;
    }

    private static Command History(CliGlobals globals)
    {
        var id = new Argument<string>("id") { Description = "Instance id." };
        var command = new Command(
            "history",
            "Show an instance's history events, oldest first (with --json, the engine's events as the management API returns them)."
        )
        {
            id,
        };
        globals.Handle(
            command,
            async run =>
            {
                var instanceId = run.Parse.GetValue(id)!;
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Get,
                    $"/instances/{Uri.EscapeDataString(instanceId)}?showHistory=true&showHistoryOutput=true",
                    $"instance '{instanceId}'",
                    ct: run.Cancellation
                );
                var history = answer.Body?["historyEvents"] as JsonArray ?? [];
                if (run.Json)
                {
                    Output.Json(run.Out, history);
                    return;
                }

                WriteHistory(run.Out, history);
            }
        );
        return command;
    }

    private static Command Start(CliGlobals globals)
    {
        var name = new Argument<string>("orchestrator") { Description = "Orchestrator name." };
        var id = new Option<string?>("--id") { Description = "Instance id (default: the engine's)." };
        var input = new Option<string?>("--input") { Description = "Input as JSON." };
        var command = new Command("start", "Start an orchestration.") { name, id, input };
        globals.Handle(
            command,
            async run =>
            {
                var body = JsonArgument(run.Parse.GetValue(input), "--input");
                var path =
                    $"/orchestrators/{Uri.EscapeDataString(run.Parse.GetValue(name)!)}"
                    + (run.Parse.GetValue(id) is { Length: > 0 } instanceId ? "/" + Uri.EscapeDataString(instanceId) : "");
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Post,
                    path,
                    $"orchestrator '{run.Parse.GetValue(name)}'",
                    body,
                    ct: run.Cancellation
                );
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                    return;
                }

                await run.Out.WriteLineAsync($"Started {Output.Text(answer.Body?["id"])}");
            }
        );
        return command;
    }

    private static Command Act(CliGlobals globals, string verb, string description)
    {
        var id = new Argument<string>("id") { Description = "Instance id." };
        var reason = new Option<string?>("--reason") { Description = "Why; recorded by the engine." };
        var command = new Command(verb, description) { id, reason };
        globals.Handle(
            command,
            async run =>
            {
                var instanceId = run.Parse.GetValue(id)!;
                var query = run.Parse.GetValue(reason) is { Length: > 0 } text ? "?reason=" + Uri.EscapeDataString(text) : "";
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Post,
                    $"/instances/{Uri.EscapeDataString(instanceId)}/{verb}{query}",
                    $"instance '{instanceId}'",
                    ct: run.Cancellation
                );
                await Accepted(run, answer, $"{verb} of {instanceId} accepted.");
            }
        );
        return command;
    }

    private static Command Purge(CliGlobals globals)
    {
        var id = new Argument<string>("id") { Description = "Instance id (a finished one)." };
        var command = new Command("purge", "Delete a finished instance and its history.") { id };
        globals.Handle(
            command,
            async run =>
            {
                var instanceId = run.Parse.GetValue(id)!;
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Delete,
                    $"/instances/{Uri.EscapeDataString(instanceId)}",
                    $"instance '{instanceId}'",
                    ct: run.Cancellation
                );
                await Accepted(run, answer, $"Purged {instanceId}.");
            }
        );
        return command;
    }

    private static Command Raise(CliGlobals globals)
    {
        var id = new Argument<string>("id") { Description = "Instance id." };
        var name = new Argument<string>("event") { Description = "Event name." };
        var data = new Option<string?>("--data") { Description = "Event payload as JSON." };
        var command = new Command("raise", "Raise an external event on an instance.") { id, name, data };
        globals.Handle(
            command,
            async run =>
            {
                var instanceId = run.Parse.GetValue(id)!;
                var body = JsonArgument(run.Parse.GetValue(data), "--data");
                var answer = await run.Api.ManagementAsync(
                    HttpMethod.Post,
                    $"/instances/{Uri.EscapeDataString(instanceId)}/raiseEvent/{Uri.EscapeDataString(run.Parse.GetValue(name)!)}",
                    $"instance '{instanceId}'",
                    body,
                    ct: run.Cancellation
                );
                await Accepted(run, answer, $"Event {run.Parse.GetValue(name)} raised on {instanceId}.");
            }
        );
        return command;
    }

    internal static void WriteInstances(TextWriter writer, JsonArray instances) =>
        Output.Table(
            writer,
            ["INSTANCE ID", "NAME", "STATUS", "CREATED", "UPDATED"],
            instances
                .OfType<JsonObject>()
                .Select(i =>
                    (IReadOnlyList<string?>)
                        [
                            Output.Text(i["instanceId"]),
                            Output.Text(i["name"]),
                            Output.Text(i["runtimeStatus"]),
                            Output.Text(i["createdTime"]),
                            Output.Text(i["lastUpdatedTime"]),
                        ]
                )
        );

    internal static void WriteInstance(TextWriter writer, JsonObject instance)
    {
        Output.Fields(
            writer,
            [
                ("Instance", Output.Text(instance["instanceId"])),
                ("Name", Output.Text(instance["name"])),
                ("Status", Output.Text(instance["runtimeStatus"])),
                ("Created", Output.Text(instance["createdTime"])),
                ("Updated", Output.Text(instance["lastUpdatedTime"])),
                ("Input", Output.Text(instance["input"])),
                ("Custom status", Output.Text(instance["customStatus"])),
                ("Output", Output.Text(instance["output"])),
            ]
        );
        if (instance["historyEvents"] is JsonArray history)
        {
            writer.WriteLine();
            WriteHistory(writer, history);
        }
    }

    internal static void WriteHistory(TextWriter writer, JsonArray history) =>
        Output.Table(
            writer,
            ["#", "TIME", "EVENT", "NAME", "DETAIL"],
            history
                .OfType<JsonObject>()
                .Select(
                    (e, i) =>
                        (IReadOnlyList<string?>)
                            [
                                i.ToString(CultureInfo.InvariantCulture),
                                Output.Text(e["Timestamp"]),
                                Output.Text(e["EventType"]),
                                Output.Text(e["Name"]),
                                Output.Text(e["FailureDetails"] ?? e["Result"] ?? e["FireAt"]),
                            ]
                )
        );

    private static async Task Accepted(CommandRun run, ApiAnswer answer, string message)
    {
        if (run.Json)
        {
            Output.Json(run.Out, answer.Body ?? new JsonObject { ["status"] = (int)answer.Status });
            return;
        }

        await run.Out.WriteLineAsync(message);
    }

    private static JsonNode? JsonArgument(string? text, string option)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException ex)
        {
            throw new CliException(ExitCodes.Usage, $"{option} is not valid JSON: {ex.Message}");
        }
    }

    private static void Add(List<string> query, string name, string? value)
    {
        if (!string.IsNullOrEmpty(value))
        {
            query.Add($"{name}={Uri.EscapeDataString(value)}");
        }
    }
}
