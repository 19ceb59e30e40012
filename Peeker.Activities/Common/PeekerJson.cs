using System.Text.Json;
using System.Text.Json.Serialization;

namespace Peeker.Activities.Common;

/// <summary>
/// Peeker's one JSON convention, for every partner and admin response and every webhook payload: snake_case names,
/// enums as snake_case strings, times as <c>2026-05-08T12:00:00Z</c>.
/// </summary>
public static class PeekerJson
{
    /// <summary>Options for every response body and webhook payload.</summary>
    public static readonly JsonSerializerOptions Options = Configure(new JsonSerializerOptions(JsonSerializerDefaults.Web));

    /// <summary>Applies the conventions to <paramref name="options"/> (also used for the host's OpenAPI schemas).</summary>
    public static JsonSerializerOptions Configure(JsonSerializerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        options.PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower;
        options.Converters.Add(new JsonStringEnumConverter(JsonNamingPolicy.SnakeCaseLower, allowIntegerValues: false));
        options.Converters.Add(new UtcSecondsJsonConverter());
        return options;
    }

    /// <summary>ISO-8601 UTC with a <c>Z</c>, second precision.</summary>
    public static string Format(DateTimeOffset value) => UtcSecondsJsonConverter.Format(value);
}
