using System.Globalization;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Peeker.Activities.Common;

/// <summary>Times as the Partner API writes them everywhere (responses and webhook data): ISO-8601 UTC, second precision, <c>Z</c>.</summary>
public sealed class UtcSecondsJsonConverter : JsonConverter<DateTimeOffset>
{
    /// <summary>Formats <paramref name="value"/> as <c>2026-05-08T12:00:00Z</c>.</summary>
    public static string Format(DateTimeOffset value) =>
        value.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    public override DateTimeOffset Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        DateTimeOffset.Parse(reader.GetString()!, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    public override void Write(Utf8JsonWriter writer, DateTimeOffset value, JsonSerializerOptions options) =>
        writer.WriteStringValue(Format(value));
}
