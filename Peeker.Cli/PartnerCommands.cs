using System.CommandLine;
using System.Text.Json.Nodes;

namespace Peeker.Cli;

/// <summary><c>peeker partners …</c>: the admin API (<c>PEEKER_ADMIN_KEY</c>). New keys are shown once, as the API returns them.</summary>
public static class PartnerCommands
{
    public static Command Build(CliGlobals globals)
    {
        var command = new Command("partners", "Partners and their API keys.");
        command.Subcommands.Add(Create(globals));
        command.Subcommands.Add(Keys(globals));
        return command;
    }

    private static Command Create(CliGlobals globals)
    {
        var name = new Argument<string>("name") { Description = "The partner's name." };
        var command = new Command("create", "Create a partner with one full test key and one full live key (shown once).") { name };
        globals.Handle(
            command,
            async run =>
            {
                var answer = await run.Api.AdminAsync(
                    HttpMethod.Post,
                    "/partners",
                    "partners",
                    new JsonObject { ["name"] = run.Parse.GetValue(name) },
                    run.Cancellation
                );
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                    return;
                }

                var data = answer.Body?["data"];
                Output.Fields(
                    run.Out,
                    [
                        ("Partner", Output.Text(data?["id"])),
                        ("Name", Output.Text(data?["name"])),
                        ("Test key", Output.Text(data?["api_keys"]?["test"])),
                        ("Live key", Output.Text(data?["api_keys"]?["live"])),
                    ]
                );
                await run.Out.WriteLineAsync("Store the keys now: they are not shown again.");
            }
        );
        return command;
    }

    private static Command Keys(CliGlobals globals)
    {
        var partner = new Argument<string>("partnerId") { Description = "The partner's id (org_…)." };
        var environment = new Option<string>("--environment") { Description = "test or live.", Required = true };
        environment.AcceptOnlyFromAmong("test", "live");
        var preset = new Option<string>("--preset") { Description = "Permission preset.", DefaultValueFactory = _ => "full" };
        preset.AcceptOnlyFromAmong("full", "limited", "read");
        var label = new Option<string?>("--label") { Description = "A label for the key (default: the preset)." };
        var command = new Command("keys", "Create an API key for a partner (shown once).") { partner, environment, preset, label };
        globals.Handle(
            command,
            async run =>
            {
                var partnerId = run.Parse.GetValue(partner)!;
                var body = new JsonObject
                {
                    ["environment"] = run.Parse.GetValue(environment),
                    ["permission_preset"] = run.Parse.GetValue(preset),
                    ["label"] = run.Parse.GetValue(label) ?? run.Parse.GetValue(preset),
                };
                var answer = await run.Api.AdminAsync(
                    HttpMethod.Post,
                    $"/partners/{Uri.EscapeDataString(partnerId)}/api_keys",
                    $"partner '{partnerId}'",
                    body,
                    run.Cancellation
                );
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                    return;
                }

                var data = answer.Body?["data"];
                Output.Fields(
                    run.Out,
                    [
                        ("Key id", Output.Text(data?["id"])),
                        ("Partner", Output.Text(data?["partner_id"])),
                        ("Environment", Output.Text(data?["environment"])),
                        ("Preset", Output.Text(data?["permission_preset"])),
                        ("Label", Output.Text(data?["label"])),
                        ("Key", Output.Text(data?["key"])),
                    ]
                );
                await run.Out.WriteLineAsync("Store the key now: it is not shown again.");
            }
        );
        return command;
    }
}
