using System.Text.Json;
using System.Text.Json.Serialization;

namespace Peeker.Durable.Runtime;

/// <summary>Serializes inputs, outputs, events and messages (System.Text.Json, web defaults, enums as names).</summary>
public sealed class DataConverter
{
    /// <summary>The converter the engine uses unless configured otherwise.</summary>
    public static DataConverter Default { get; } = new();

    /// <summary>Creates a converter with the given options (web defaults when null).</summary>
    public DataConverter(JsonSerializerOptions? options = null)
    {
        Options = options ?? new JsonSerializerOptions(JsonSerializerDefaults.Web)
        {
            DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
            Converters = { new JsonStringEnumConverter() },
        };
    }

    /// <summary>The serializer options.</summary>
    public JsonSerializerOptions Options { get; }

    /// <summary>JSON text of <paramref name="value"/>; null stays null.</summary>
    public string? Serialize(object? value) => value is null ? null : JsonSerializer.Serialize(value, value.GetType(), Options);

    /// <summary>The value of <paramref name="json"/>; null or empty gives default.</summary>
    public T? Deserialize<T>(string? json) => string.IsNullOrEmpty(json) ? default : JsonSerializer.Deserialize<T>(json, Options);

    /// <summary>The value of <paramref name="json"/> as <paramref name="type"/>.</summary>
    public object? Deserialize(string? json, Type type) => string.IsNullOrEmpty(json) ? null : JsonSerializer.Deserialize(json, type, Options);
}
