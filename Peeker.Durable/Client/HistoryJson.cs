using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;

namespace Peeker.Durable.Client;

/// <summary>
/// Reads the history JSON that DTFx's Azure Storage provider returns (an array of events, each with its numeric
/// <c>EventType</c> and no type names) into DTFx's typed history events.
/// </summary>
public static class HistoryJson
{
    private static readonly JsonSerializer Serializer = JsonSerializer.Create(
        new JsonSerializerSettings { ConstructorHandling = ConstructorHandling.AllowNonPublicDefaultConstructor }
    );

    /// <summary>The events of <paramref name="json"/>, oldest first.</summary>
    public static IList<HistoryEvent> Deserialize(string json)
    {
        // DateParseHandling.None: an instance id, name or input that merely looks like a date stays a string; the
        // typed DateTime properties (Timestamp, FireAt) are still read as dates by the serializer.
        using var reader = new JsonTextReader(new StringReader(json)) { DateParseHandling = DateParseHandling.None };
        return
        [
            .. JArray
                .Load(reader)
                .Select(item =>
                    (HistoryEvent)item.ToObject(ClrType((EventType)item.Value<int>(nameof(HistoryEvent.EventType))), Serializer)!
                ),
        ];
    }

    /// <summary>The DTFx class that carries events of <paramref name="type"/>.</summary>
    public static Type ClrType(EventType type) =>
        type switch
        {
            EventType.ExecutionFailed => typeof(ExecutionCompletedEvent),
            EventType.GenericEvent => typeof(GenericEvent),
            _ => typeof(HistoryEvent).Assembly.GetType($"DurableTask.Core.History.{type}Event") ?? typeof(GenericEvent),
        };
}
