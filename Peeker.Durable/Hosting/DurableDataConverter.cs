using CoreDataConverter = DurableTask.Core.Serializing.DataConverter;
using SdkDataConverter = Microsoft.DurableTask.DataConverter;

namespace Peeker.Durable.Hosting;

/// <summary>
/// DTFx's <c>DataConverter</c> over the SDK's: inputs, outputs and events are stored as the same plain JSON that
/// Durable Functions isolated writes (the SDK's own bridge, <c>JsonDataConverterShim</c>, is internal).
/// </summary>
public sealed class DurableDataConverter(SdkDataConverter inner) : CoreDataConverter
{
    /// <summary>The SDK converter: <c>Microsoft.DurableTask.Converters.JsonDataConverter.Default</c>.</summary>
    public static SdkDataConverter Sdk => Microsoft.DurableTask.Converters.JsonDataConverter.Default;

    /// <summary>The bridge over <see cref="Sdk"/>.</summary>
    public static DurableDataConverter Default { get; } = new(Sdk);

    /// <inheritdoc />
    public override string? Serialize(object? value) => inner.Serialize(value);

    /// <inheritdoc />
    public override string? Serialize(object? value, bool formatted) => inner.Serialize(value);

    /// <inheritdoc />
    public override object? Deserialize(string? data, Type objectType) => inner.Deserialize(data, objectType);
}
