using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Peeker.Cli;

/// <summary>Which operator key a call needs.</summary>
public enum ApiKeyKind
{
    /// <summary><c>PEEKER_ADMIN_KEY</c>: <c>/admin/v1</c>.</summary>
    Admin,

    /// <summary><c>PEEKER_MANAGEMENT_KEY</c>: <c>/runtime/webhooks/durabletask</c>.</summary>
    Management,
}

/// <summary>A successful answer: its status, parsed JSON body (null when empty or not JSON) and headers.</summary>
public sealed record ApiAnswer(HttpStatusCode Status, JsonNode? Body, HttpResponseHeaders Headers);

/// <summary>
/// The host's HTTP APIs as the CLI uses them. Keys come from the environment only and are never written out;
/// non-success statuses become a <see cref="CliException"/> here, once.
/// </summary>
public sealed class PeekerApi(CliEnvironment env, Uri baseUrl)
{
    public const string ManagementPrefix = "/runtime/webhooks/durabletask";
    public const string AdminPrefix = "/admin/v1";

    public Task<ApiAnswer> ManagementAsync(
        HttpMethod method,
        string path,
        string what,
        JsonNode? body = null,
        IDictionary<string, string>? headers = null,
        CancellationToken ct = default
    ) => SendAsync(ApiKeyKind.Management, method, ManagementPrefix + path, what, body, headers, ct);

    public Task<ApiAnswer> AdminAsync(HttpMethod method, string path, string what, JsonNode? body = null, CancellationToken ct = default) =>
        SendAsync(ApiKeyKind.Admin, method, AdminPrefix + path, what, body, null, ct);

    private async Task<ApiAnswer> SendAsync(
        ApiKeyKind kind,
        HttpMethod method,
        string path,
        string what,
        JsonNode? body,
        IDictionary<string, string>? headers,
        CancellationToken ct
    )
    {
        var variable = kind == ApiKeyKind.Admin ? CliEnvironment.AdminKeyVariable : CliEnvironment.ManagementKeyVariable;
        var key = env.Variables(variable);
        if (string.IsNullOrWhiteSpace(key))
        {
            throw new CliException(
                ExitCodes.Usage,
                $"Set {variable} to the host's {(kind == ApiKeyKind.Admin ? "admin" : "management")} key."
            );
        }

        using var request = new HttpRequestMessage(method, new Uri(baseUrl, path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", key.Trim());
        foreach (var (name, value) in headers ?? new Dictionary<string, string>())
        {
            request.Headers.TryAddWithoutValidation(name, value);
        }

        if (body is not null)
        {
            request.Content = new StringContent(body.ToJsonString(), Encoding.UTF8, "application/json");
        }

        HttpResponseMessage response;
        try
        {
            response = await env.Http.SendAsync(request, ct);
        }
        catch (HttpRequestException ex)
        {
            throw new CliException(ExitCodes.Error, $"Cannot reach {baseUrl}: {ex.Message}");
        }

        using (response)
        {
            var text = await response.Content.ReadAsStringAsync(ct);
            var json = Parse(text);
            if (!response.IsSuccessStatusCode)
            {
                throw CliException.FromStatus(response.StatusCode, what, ServerMessage(json, text));
            }

            return new ApiAnswer(response.StatusCode, json, response.Headers);
        }
    }

    private static JsonNode? Parse(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        try
        {
            return JsonNode.Parse(text);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    // The admin API answers {"error":{"code","message"}}, the management API {"error":"…"}.
    private static string? ServerMessage(JsonNode? json, string text) =>
        json switch
        {
            JsonObject o when o["error"] is JsonObject e => $"{e["code"]?.GetValue<string>()} {e["message"]?.GetValue<string>()}".Trim(),
            JsonObject o when o["error"] is JsonValue v => v.ToString(),
            null when text.Length is > 0 and < 300 => text,
            _ => null,
        };
}
