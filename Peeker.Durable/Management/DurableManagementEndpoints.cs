using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using DurableTask.Core.History;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;

namespace Peeker.Durable.Management;

/// <summary>
/// The Durable Functions HTTP management API (<c>/runtime/webhooks/durabletask</c>): status (with history), query,
/// start, raise event, terminate, suspend, resume, rewind and purge, with the same status codes, plus an HTML
/// timeline of one instance for operators. The host puts it behind admin authentication.
/// </summary>
public static class DurableManagementEndpoints
{
    /// <summary>Default route prefix, as in Durable Functions.</summary>
    public const string DefaultPrefix = "/runtime/webhooks/durabletask";

    private const string OriginItem = "Peeker.Durable.Management.Origin";

    /// <summary>
    /// Maps the management API; returns the group so the host can add an authentication filter. Status URLs and
    /// <c>Location</c> are absolute on <paramref name="origin"/> (the host's configured public origin), else relative:
    /// never built from the request's <c>Host</c> header.
    /// </summary>
    public static RouteGroupBuilder MapDurableManagement(
        this IEndpointRouteBuilder routes,
        string prefix = DefaultPrefix,
        Func<HttpContext, string>? origin = null
    )
    {
        var group = routes.MapGroup(prefix).ExcludeFromDescription();
        group.AddEndpointFilter(
            (context, next) =>
            {
                context.HttpContext.Items[OriginItem] = origin?.Invoke(context.HttpContext) ?? string.Empty;
                return next(context);
            }
        );
        group.MapPost("/orchestrators/{functionName}/{instanceId?}", StartAsync);
        group.MapGet("/instances/{instanceId}", GetStatusAsync);
        group.MapGet("/instances/{instanceId}/timeline", TimelineAsync);
        group.MapGet("/instances", ListAsync);
        group.MapPost("/instances/{instanceId}/raiseEvent/{eventName}", RaiseEventAsync);
        group.MapPost(
            "/instances/{instanceId}/terminate",
            (DurableTaskClient c, string instanceId, string? reason, CancellationToken ct) =>
                ActAsync(c, instanceId, (id, t) => c.TerminateInstanceAsync(id, new TerminateInstanceOptions(reason), t), ct)
        );
        group.MapPost(
            "/instances/{instanceId}/suspend",
            (DurableTaskClient c, string instanceId, string? reason, CancellationToken ct) =>
                ActAsync(c, instanceId, (id, t) => c.SuspendInstanceAsync(id, reason, t), ct)
        );
        group.MapPost(
            "/instances/{instanceId}/resume",
            (DurableTaskClient c, string instanceId, string? reason, CancellationToken ct) =>
                ActAsync(c, instanceId, (id, t) => c.ResumeInstanceAsync(id, reason, t), ct)
        );
        group.MapPost("/instances/{instanceId}/rewind", RewindAsync);
        group.MapDelete("/instances/{instanceId}", PurgeOneAsync);
        group.MapDelete("/instances", PurgeManyAsync);
        return group;
    }

    private static async Task<IResult> StartAsync(
        HttpContext http,
        DurableTaskClient client,
        string functionName,
        string? instanceId,
        CancellationToken ct
    )
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(ct);
        JsonNode? input;
        try
        {
            input = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return Results.BadRequest(new { error = "The body is not valid JSON." });
        }

        // An instance of an orchestrator no worker has would be abandoned and retried for ever, holding its partition's
        // control queue: refuse it, as Durable Functions refuses a function that is not an orchestrator.
        if (
            http.RequestServices.GetService<DurableTaskRegistry>() is { } registry
            && !registry.GetOrchestrators().Any(o => string.Equals(o.Key.Name, functionName, StringComparison.Ordinal))
        )
        {
            return Results.NotFound(new { error = $"No orchestrator named '{functionName}' is registered in this host." });
        }

        try
        {
            var id = await client.ScheduleNewOrchestrationInstanceAsync(functionName, input, new StartOrchestrationOptions(instanceId), ct);
            var urls = Urls(http, id);
            http.Response.Headers.RetryAfter = "10";
            return Results.Accepted(urls["statusQueryGetUri"]!.GetValue<string>(), urls);
        }
        catch (DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException ex)
        {
            return Results.Conflict(new { error = ex.Message });
        }
    }

    private static async Task<IResult> GetStatusAsync(
        HttpContext http,
        DurableTaskClient client,
        string instanceId,
        bool? showHistory,
        bool? showHistoryOutput,
        bool? showInput,
        CancellationToken ct
    )
    {
        var instance = await client.GetInstanceAsync(instanceId, getInputsAndOutputs: true, ct);
        if (instance is null)
        {
            return Results.NotFound();
        }

        var status = Status(instance, showInput ?? true);
        if (showHistory == true)
        {
            var history = await client.GetOrchestrationHistoryAsync(instanceId, ct);
            status["historyEvents"] = new JsonArray([.. history.Select(e => HistoryJson(e, showHistoryOutput == true))]);
        }

        if (instance.IsCompleted)
        {
            return Results.Json(status, statusCode: (int)HttpStatusCode.OK);
        }

        http.Response.Headers.RetryAfter = "5";
        http.Response.Headers.Location = $"{Origin(http)}{http.Request.PathBase}{http.Request.Path}";
        return Results.Json(status, statusCode: (int)HttpStatusCode.Accepted);
    }

    private static async Task<IResult> ListAsync(
        HttpContext http,
        DurableTaskClient client,
        DateTimeOffset? createdTimeFrom,
        DateTimeOffset? createdTimeTo,
        string? runtimeStatus,
        string? instanceIdPrefix,
        bool? showInput,
        int? top,
        CancellationToken ct
    )
    {
        if (!TryStatuses(runtimeStatus, out var statuses))
        {
            return Results.BadRequest(new { error = $"Unknown runtimeStatus in '{runtimeStatus}'." });
        }

        var pageSize = Math.Clamp(top ?? 100, 1, 1000);
        var query = new OrchestrationQuery
        {
            CreatedFrom = createdTimeFrom,
            CreatedTo = createdTimeTo,
            Statuses = statuses,
            InstanceIdPrefix = instanceIdPrefix,
            PageSize = pageSize,
            FetchInputsAndOutputs = true, // outputs (and failures) are always shown; inputs only with showInput
        };
        var continuation = http.Request.Headers["x-ms-continuation-token"].FirstOrDefault();
        await foreach (var page in client.GetAllInstancesAsync(query).AsPages(continuation, pageSize).WithCancellation(ct))
        {
            if (page.ContinuationToken is not null)
            {
                http.Response.Headers["x-ms-continuation-token"] = page.ContinuationToken;
            }

            return Results.Json(new JsonArray([.. page.Values.Select(i => (JsonNode)Status(i, showInput ?? false))]));
        }

        return Results.Json(new JsonArray());
    }

    private static async Task<IResult> RaiseEventAsync(
        HttpContext http,
        DurableTaskClient client,
        string instanceId,
        string eventName,
        CancellationToken ct
    )
    {
        var body = await new StreamReader(http.Request.Body).ReadToEndAsync(ct);
        JsonNode? payload;
        try
        {
            payload = string.IsNullOrWhiteSpace(body) ? null : JsonNode.Parse(body);
        }
        catch (System.Text.Json.JsonException)
        {
            return Results.BadRequest(new { error = "The body is not valid JSON." });
        }

        return await ActAsync(client, instanceId, (id, t) => client.RaiseEventAsync(id, eventName, payload, t), ct);
    }

    private static async Task<IResult> RewindAsync(DurableTaskClient client, string instanceId, string? reason, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(instanceId, false, ct);
        if (instance is null)
        {
            return Results.NotFound();
        }

        if (instance.RuntimeStatus != OrchestrationRuntimeStatus.Failed)
        {
            return Results.StatusCode((int)HttpStatusCode.Gone);
        }

        await client.RewindInstanceAsync(instanceId, reason ?? "rewound by an operator", ct);
        return Results.Accepted();
    }

    private static async Task<IResult> ActAsync(
        DurableTaskClient client,
        string instanceId,
        Func<string, CancellationToken, Task> act,
        CancellationToken ct
    )
    {
        var instance = await client.GetInstanceAsync(instanceId, false, ct);
        if (instance is null)
        {
            return Results.NotFound();
        }

        if (instance.IsCompleted)
        {
            return Results.StatusCode((int)HttpStatusCode.Gone);
        }

        await act(instanceId, ct);
        return Results.Accepted();
    }

    private static async Task<IResult> PurgeOneAsync(DurableTaskClient client, string instanceId, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(instanceId, false, ct);
        if (instance is { IsCompleted: false })
        {
            return Results.Conflict(
                new { error = $"Instance '{instanceId}' is {instance.RuntimeStatus}: only finished instances can be purged." }
            );
        }

        var result = await client.PurgeInstanceAsync(instanceId, cancellation: ct);
        return result.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Ok(new { instancesDeleted = result.PurgedInstanceCount });
    }

    private static async Task<IResult> PurgeManyAsync(
        DurableTaskClient client,
        DateTimeOffset? createdTimeFrom,
        DateTimeOffset? createdTimeTo,
        string? runtimeStatus,
        CancellationToken ct
    )
    {
        if (createdTimeFrom is null)
        {
            return Results.BadRequest(new { error = "createdTimeFrom is required." });
        }

        if (!TryStatuses(runtimeStatus, out var statuses))
        {
            return Results.BadRequest(new { error = $"Unknown runtimeStatus in '{runtimeStatus}'." });
        }

        var result = await client.PurgeAllInstancesAsync(
            new PurgeInstancesFilter(createdTimeFrom, createdTimeTo, statuses),
            cancellation: ct
        );
        return result.PurgedInstanceCount == 0 ? Results.NotFound() : Results.Ok(new { instancesDeleted = result.PurgedInstanceCount });
    }

    private static async Task<IResult> TimelineAsync(DurableTaskClient client, string instanceId, CancellationToken ct)
    {
        var instance = await client.GetInstanceAsync(instanceId, false, ct);
        if (instance is null)
        {
            return Results.NotFound();
        }

        var history = await client.GetOrchestrationHistoryAsync(instanceId, ct);
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>")
            .Append(WebUtility.HtmlEncode(instanceId))
            .Append(
                "</title><style>body{font-family:sans-serif}td,th{padding:2px 8px;text-align:left}tr:nth-child(even){background:#f3f3f3}</style></head><body>"
            )
            .Append("<h1>")
            .Append(WebUtility.HtmlEncode(instance.Name))
            .Append(" <small>")
            .Append(WebUtility.HtmlEncode(instanceId))
            .Append("</small></h1>")
            .Append("<p>Status: <b>")
            .Append(instance.RuntimeStatus)
            .Append("</b>; created ")
            .Append(instance.CreatedAt.ToString("u", CultureInfo.InvariantCulture))
            .Append("; updated ")
            .Append(instance.LastUpdatedAt.ToString("u", CultureInfo.InvariantCulture))
            .Append("</p>")
            .Append("<table><tr><th>#</th><th>time</th><th>event</th><th>id</th><th>name</th><th>detail</th></tr>");
        for (var i = 0; i < history.Count; i++)
        {
            var e = history[i];
            var facts = HistoryFacts.Of(e);
            html.Append("<tr><td>")
                .Append(i)
                .Append("</td><td>")
                .Append(e.Timestamp.ToString("HH:mm:ss.fff", CultureInfo.InvariantCulture))
                .Append("</td><td>")
                .Append(e.EventType)
                .Append("</td><td>")
                .Append(e.EventId >= 0 ? e.EventId : facts.TaskScheduledId)
                .Append("</td><td>")
                .Append(WebUtility.HtmlEncode(facts.Name ?? string.Empty))
                .Append("</td><td>")
                .Append(WebUtility.HtmlEncode(facts.Detail ?? string.Empty))
                .Append("</td></tr>");
        }

        html.Append("</table></body></html>");
        return Results.Content(html.ToString(), "text/html; charset=utf-8");
    }

    private static JsonObject Status(OrchestrationMetadata instance, bool showInput) =>
        new()
        {
            ["name"] = instance.Name,
            ["instanceId"] = instance.InstanceId,
            ["runtimeStatus"] = instance.RuntimeStatus.ToString(),
            ["input"] = showInput ? Raw(instance.SerializedInput) : null,
            ["customStatus"] = Raw(instance.SerializedCustomStatus),
            ["output"] =
                instance.FailureDetails is { } failure && instance.RuntimeStatus == OrchestrationRuntimeStatus.Failed
                    ? failure.ToString()
                    : Raw(instance.SerializedOutput),
            ["createdTime"] = instance.CreatedAt.UtcDateTime.ToString("s", CultureInfo.InvariantCulture) + "Z",
            ["lastUpdatedTime"] = instance.LastUpdatedAt.UtcDateTime.ToString("s", CultureInfo.InvariantCulture) + "Z",
        };

    private static JsonObject HistoryJson(HistoryEvent e, bool showOutput)
    {
        var facts = HistoryFacts.Of(e);
        var node = new JsonObject
        {
            ["EventType"] = e.EventType.ToString(),
            ["Timestamp"] = e.Timestamp.ToString("o", CultureInfo.InvariantCulture),
        };
        if (e.EventId >= 0)
        {
            node["EventId"] = e.EventId;
        }

        if (facts.Name is not null)
        {
            node["Name"] = facts.Name;
        }

        if (facts.TaskScheduledId is { } scheduled)
        {
            node["TaskScheduledId"] = scheduled;
        }

        if (facts.FireAt is { } fireAt)
        {
            node["FireAt"] = fireAt.ToString("o", CultureInfo.InvariantCulture);
        }

        if (facts.Failure is { } failure)
        {
            node["FailureDetails"] = failure;
        }

        if (showOutput && facts.Result is not null)
        {
            node["Result"] = Raw(facts.Result);
        }

        return node;
    }

    private static JsonNode? Raw(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException)
        {
            return JsonValue.Create(json);
        }
    }

    private static string Origin(HttpContext http) => http.Items[OriginItem] as string ?? string.Empty;

    private static JsonObject Urls(HttpContext http, string instanceId)
    {
        var root = $"{Origin(http)}{http.Request.PathBase}{DefaultPrefix}/instances/{Uri.EscapeDataString(instanceId)}";
        return new JsonObject
        {
            ["id"] = instanceId,
            ["statusQueryGetUri"] = root,
            ["sendEventPostUri"] = root + "/raiseEvent/{eventName}",
            ["terminatePostUri"] = root + "/terminate?reason={text}",
            ["rewindPostUri"] = root + "/rewind?reason={text}",
            ["purgeHistoryDeleteUri"] = root,
            ["suspendPostUri"] = root + "/suspend?reason={text}",
            ["resumePostUri"] = root + "/resume?reason={text}",
        };
    }

    private static bool TryStatuses(string? text, out IReadOnlyCollection<OrchestrationRuntimeStatus>? statuses)
    {
        statuses = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            return true;
        }

        var list = new List<OrchestrationRuntimeStatus>();
        foreach (var part in text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Enum.TryParse<OrchestrationRuntimeStatus>(part, ignoreCase: true, out var status) || int.TryParse(part, out _))
            {
                return false;
            }

            list.Add(status);
        }

        statuses = list;
        return true;
    }
}
