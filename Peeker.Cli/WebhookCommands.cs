using System.CommandLine;
using System.Text.Json.Nodes;

namespace Peeker.Cli;

/// <summary>
/// <c>peeker webhooks show|redeliver evt_…</c>: one webhook event by id, whatever its partner (the admin API,
/// <c>PEEKER_ADMIN_KEY</c>). Redelivery sends the same id and body again, signed afresh.
/// </summary>
public static class WebhookCommands
{
    public static Command Build(CliGlobals globals)
    {
        var command = new Command("webhooks", "Webhook events: show one with its delivery attempts, redeliver one.");
        command.Subcommands.Add(Show(globals));
        command.Subcommands.Add(Redeliver(globals));
        return command;
    }

    private static Command Show(CliGlobals globals)
    {
        var id = new Argument<string>("eventId") { Description = "The event's id (evt_…)." };
        var command = new Command("show", "Show an event, whose it is, and its delivery attempts.") { id };
        globals.Handle(
            command,
            async run =>
            {
                var eventId = run.Parse.GetValue(id)!;
                var answer = await run.Api.AdminAsync(
                    HttpMethod.Get,
                    $"/events/{Uri.EscapeDataString(eventId)}",
                    $"event '{eventId}'",
                    ct: run.Cancellation
                );
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                    return;
                }

                var data = answer.Body?["data"];
                WriteEvent(run.Out, data);
                if (data?["event"]?["attempts"] is JsonArray attempts)
                {
                    await run.Out.WriteLineAsync();
                    Output.Table(
                        run.Out,
                        ["RUN", "ATTEMPT", "AT", "STATUS", "MS", "ERROR"],
                        attempts
                            .OfType<JsonObject>()
                            .Select(a =>
                                (IReadOnlyList<string?>)
                                    [
                                        Output.Text(a["run"]),
                                        Output.Text(a["number"]),
                                        Output.Text(a["attempted_at"]),
                                        Output.Text(a["status_code"]),
                                        Output.Text(a["latency_ms"]),
                                        Output.Text(a["error"]),
                                    ]
                            )
                    );
                }
            }
        );
        return command;
    }

    private static Command Redeliver(CliGlobals globals)
    {
        var id = new Argument<string>("eventId") { Description = "The event's id (evt_…)." };
        var command = new Command(
            "redeliver",
            "Send an event again with the same id and body (a new run of up to five attempts, or now if one is waiting)."
        )
        {
            id,
        };
        globals.Handle(
            command,
            async run =>
            {
                var eventId = run.Parse.GetValue(id)!;
                var answer = await run.Api.AdminAsync(
                    HttpMethod.Post,
                    $"/events/{Uri.EscapeDataString(eventId)}/redeliver",
                    $"event '{eventId}'",
                    ct: run.Cancellation
                );
                if (run.Json)
                {
                    Output.Json(run.Out, answer.Body);
                    return;
                }

                await run.Out.WriteLineAsync($"Redelivery of {eventId} accepted.");
                WriteEvent(run.Out, answer.Body?["data"]);
            }
        );
        return command;
    }

    private static void WriteEvent(TextWriter writer, JsonNode? data)
    {
        var e = data?["event"];
        Output.Fields(
            writer,
            [
                ("Event", Output.Text(e?["id"])),
                ("Type", Output.Text(e?["type"])),
                ("Partner", Output.Text(data?["partner_id"])),
                ("Environment", Output.Text(data?["environment"])),
                ("Order", Output.Text(e?["order_id"])),
                ("Created", Output.Text(e?["created_at"])),
                ("Status", Output.Text(e?["status"])),
                ("Delivered", Output.Text(e?["delivered_at"])),
                ("Attempts", Output.Text(e?["attempt_count"])),
            ]
        );
    }
}
