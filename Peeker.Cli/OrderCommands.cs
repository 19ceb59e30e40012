using System.CommandLine;
using System.Text.Json.Nodes;

namespace Peeker.Cli;

/// <summary>
/// <c>peeker orders show ord_…</c>: an order's orchestration (instance id = order id) and its per-domain
/// sub-orchestrations (instance ids <c>{orderId}:{domain}</c>), read from the management API.
/// </summary>
public static class OrderCommands
{
    public static Command Build(CliGlobals globals)
    {
        var command = new Command("orders", "Orders as the engine sees them.");
        var id = new Argument<string>("orderId") { Description = "The order's id (ord_…)." };
        var show = new Command("show", "Show an order's orchestration and its sub-orchestrations.") { id };
        globals.Handle(
            show,
            async run =>
            {
                var orderId = run.Parse.GetValue(id)!;
                var escaped = Uri.EscapeDataString(orderId);
                var order = await run.Api.ManagementAsync(
                    HttpMethod.Get,
                    $"/instances/{escaped}",
                    $"order '{orderId}'",
                    ct: run.Cancellation
                );
                var subs = await run.Api.ManagementAsync(
                    HttpMethod.Get,
                    $"/instances?top=1000&instanceIdPrefix={Uri.EscapeDataString(orderId + ":")}",
                    $"order '{orderId}'",
                    ct: run.Cancellation
                );
                var children = subs.Body as JsonArray ?? [];
                if (run.Json)
                {
                    Output.Json(
                        run.Out,
                        new JsonObject { ["order"] = order.Body?.DeepClone(), ["subOrchestrations"] = children.DeepClone() }
                    );
                    return;
                }

                InstanceCommands.WriteInstance(run.Out, order.Body as JsonObject ?? []);
                await run.Out.WriteLineAsync();
                await run.Out.WriteLineAsync($"Sub-orchestrations ({children.Count}):");
                InstanceCommands.WriteInstances(run.Out, children);
            }
        );
        command.Subcommands.Add(show);
        return command;
    }
}
