using System.Text.Json;
using Microsoft.Extensions.Options;
using Peeker.Activities.Common;

namespace Peeker.Functions.PartnerApi;

/// <summary>
/// A request body read strictly: JSON media type, size cap, an object at the root, and typed getters that turn
/// every missing, wrong-typed or out-of-range field into a 400 <c>invalid_request</c> naming the field.
/// </summary>
public sealed class JsonBody
{
    private readonly JsonElement _root;
    private readonly string _prefix;

    private JsonBody(JsonElement root, string prefix)
    {
        _root = root;
        _prefix = prefix;
    }

    /// <summary>The raw root (for hashing).</summary>
    public JsonElement Root => _root;

    /// <summary>Reads the body. With <paramref name="optional"/>, an empty body is an empty object.</summary>
    public static async Task<JsonBody> ReadAsync(HttpRequest request, bool optional = false)
    {
        ArgumentNullException.ThrowIfNull(request);
        var context = request.HttpContext;
        var max = context.RequestServices.GetRequiredService<IOptions<PeekerOptions>>().Value.MaxBodyBytes;
        if (request.ContentLength > max)
        {
            throw TooLarge(max);
        }

        using var buffer = new MemoryStream();
        var chunk = new byte[16 * 1024];
        int read;
        while ((read = await request.Body.ReadAsync(chunk, context.RequestAborted)) > 0)
        {
            buffer.Write(chunk, 0, read);
            if (buffer.Length > max)
            {
                throw TooLarge(max);
            }
        }

        if (buffer.Length == 0)
        {
            return optional
                ? new JsonBody(JsonDocument.Parse("{}").RootElement, "")
                : throw new ApiException(400, ErrorCodes.InvalidRequest, "A JSON body is required.");
        }

        var mediaType = request.ContentType?.Split(';')[0].Trim();
        if (
            mediaType is null
            || !(
                mediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
                || mediaType.EndsWith("+json", StringComparison.OrdinalIgnoreCase)
            )
        )
        {
            throw new ApiException(415, ErrorCodes.InvalidRequest, "Send the body as Content-Type: application/json.");
        }

        try
        {
            using var doc = JsonDocument.Parse(buffer.ToArray(), new JsonDocumentOptions { MaxDepth = 32 });
            return doc.RootElement.ValueKind == JsonValueKind.Object
                ? new JsonBody(doc.RootElement.Clone(), "")
                : throw new ApiException(400, ErrorCodes.InvalidRequest, "The body must be a JSON object.");
        }
        catch (JsonException ex)
        {
            throw new ApiException(
                400,
                ErrorCodes.InvalidRequest,
                $"The body is not valid JSON (line {ex.LineNumber + 1}, byte {ex.BytePositionInLine})."
            );
        }
    }

    /// <summary>Whether the field is present (even as null).</summary>
    public bool Has(string name) => _root.TryGetProperty(name, out _);

    /// <summary>Whether the field is present and not null.</summary>
    public bool HasValue(string name) => _root.TryGetProperty(name, out var v) && v.ValueKind != JsonValueKind.Null;

    /// <summary>The field's path as the error envelope names it.</summary>
    public string Path(string name) => _prefix + name;

    /// <summary>A string field.</summary>
    public string? String(string name, bool required = false, int maxLength = 500)
    {
        if (!Get(name, required, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.String)
        {
            throw ApiException.Invalid(Path(name), $"{Path(name)} must be a string.");
        }

        var s = v.GetString()!;
        if (required && string.IsNullOrWhiteSpace(s))
        {
            throw ApiException.Invalid(Path(name), $"{Path(name)} must not be empty.");
        }

        return s.Length <= maxLength ? s : throw ApiException.Invalid(Path(name), $"{Path(name)} is longer than {maxLength} characters.");
    }

    /// <summary>An integer field within [min, max].</summary>
    public long? Long(string name, long min, long max, bool required = false)
    {
        if (!Get(name, required, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Number || !v.TryGetInt64(out var n))
        {
            throw ApiException.Invalid(Path(name), $"{Path(name)} must be an integer.");
        }

        return n >= min && n <= max ? n : throw ApiException.Invalid(Path(name), $"{Path(name)} must be between {min} and {max}.");
    }

    /// <summary>An int field within [min, max].</summary>
    public int? Int(string name, int min, int max, bool required = false) => (int?)Long(name, min, max, required);

    /// <summary>A boolean field.</summary>
    public bool? Bool(string name, bool required = false)
    {
        if (!Get(name, required, out var v))
        {
            return null;
        }

        return v.ValueKind switch
        {
            JsonValueKind.True => true,
            JsonValueKind.False => false,
            _ => throw ApiException.Invalid(Path(name), $"{Path(name)} must be true or false."),
        };
    }

    /// <summary>A string field restricted to <paramref name="allowed"/> (unknown values are rejected).</summary>
    public string? Enum(string name, IReadOnlyList<string> allowed, bool required = false)
    {
        var value = String(name, required);
        return value is null || allowed.Contains(value)
            ? value
            : throw ApiException.Invalid(Path(name), $"{Path(name)} must be one of: {string.Join(", ", allowed)}.");
    }

    /// <summary>A nested object.</summary>
    public JsonBody? Object(string name, bool required = false)
    {
        if (!Get(name, required, out var v))
        {
            return null;
        }

        return v.ValueKind == JsonValueKind.Object
            ? new JsonBody(v, Path(name) + ".")
            : throw ApiException.Invalid(Path(name), $"{Path(name)} must be an object.");
    }

    /// <summary>An array's items (as raw elements) with their paths.</summary>
    public IReadOnlyList<(JsonElement Item, string Path)>? Array(string name, int min, int max, bool required = false)
    {
        if (!Get(name, required, out var v))
        {
            return null;
        }

        if (v.ValueKind != JsonValueKind.Array)
        {
            throw ApiException.Invalid(Path(name), $"{Path(name)} must be an array.");
        }

        var count = v.GetArrayLength();
        if (count < min || count > max)
        {
            throw ApiException.Invalid(Path(name), $"{Path(name)} must hold between {min} and {max} items.");
        }

        return v.EnumerateArray().Select((item, i) => (item, $"{Path(name)}[{i}]")).ToList();
    }

    /// <summary>
    /// An array of strings (non-blank unless <paramref name="allowBlank"/>); a wrong item fails as <c>{name}[i]</c>
    /// "must be <paramref name="what"/>".
    /// </summary>
    public IReadOnlyList<string>? Strings(string name, int min, int max, string what, bool required = false, bool allowBlank = false) =>
        Array(name, min, max, required)
            ?.Select(i =>
                i.Item.ValueKind == JsonValueKind.String && (allowBlank || !string.IsNullOrWhiteSpace(i.Item.GetString()))
                    ? i.Item.GetString()!
                    : throw ApiException.Invalid(i.Path, $"{i.Path} must be {what}.")
            )
            .ToList();

    /// <summary>Wraps an array item that must be an object.</summary>
    public static JsonBody ItemObject(JsonElement item, string path) =>
        item.ValueKind == JsonValueKind.Object
            ? new JsonBody(item, path + ".")
            : throw ApiException.Invalid(path, $"{path} must be an object.");

    private bool Get(string name, bool required, out JsonElement value)
    {
        if (_root.TryGetProperty(name, out value) && value.ValueKind != JsonValueKind.Null)
        {
            return true;
        }

        return required ? throw ApiException.Invalid(Path(name), $"{Path(name)} is required.") : false;
    }

    private static ApiException TooLarge(int max) => new(413, ErrorCodes.InvalidRequest, $"The body is larger than {max} bytes.");
}
