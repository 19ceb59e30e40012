using System.Text.Json;
using System.Text.Json.Nodes;

namespace Peeker.Durable.Management;

/// <summary>
/// Masks secret-looking values before JSON is shown to an operator. Secrets never enter orchestration history by
/// design (they are loaded by activities from the encrypted store); this is the second line for screens that show
/// inputs, outputs and simulator state: a property whose name says password, secret, token, credential, API key,
/// private key or authorization has its value replaced, at any depth.
/// </summary>
public static class SecretRedaction
{
    /// <summary>What a masked value shows.</summary>
    public const string Mask = "[redacted]";

    private static readonly string[] SecretWords =
    [
        "password",
        "secret",
        "token",
        "credential",
        "apikey",
        "privatekey",
        "authorization",
        "clientkey",
    ];

    /// <summary>True when a property named <paramref name="name"/> holds a secret.</summary>
    public static bool IsSecretName(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        var flat = name.Replace("_", string.Empty, StringComparison.Ordinal).Replace("-", string.Empty, StringComparison.Ordinal);
        return SecretWords.Any(word => flat.Contains(word, StringComparison.OrdinalIgnoreCase));
    }

    /// <summary>
    /// <paramref name="json"/> indented with secrets masked; text that is not JSON comes back as it is (failure
    /// messages), null or empty as null.
    /// </summary>
    public static string? Redact(string? json)
    {
        if (string.IsNullOrWhiteSpace(json))
        {
            return null;
        }

        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (JsonException)
        {
            return json;
        }

        return Redact(node)?.ToJsonString(Indented) ?? "null";
    }

    /// <summary>Masks secrets in <paramref name="node"/> in place and returns it.</summary>
    public static JsonNode? Redact(JsonNode? node)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var name in obj.Select(p => p.Key).ToList())
                {
                    if (IsSecretName(name) && obj[name] is not null)
                    {
                        obj[name] = Mask;
                    }
                    else
                    {
                        Redact(obj[name]);
                    }
                }

                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    Redact(item);
                }

                break;
        }

        return node;
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };
}
