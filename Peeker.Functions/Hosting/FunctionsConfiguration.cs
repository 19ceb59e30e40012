using System.Text.Json;

namespace Peeker.Functions.Hosting;

/// <summary>
/// Reads configuration the way the Azure Functions host does: <c>host.json</c> under the
/// <c>AzureFunctionsJobHost</c> section, then <c>local.settings.json</c> <c>Values</c> (falling back to the committed
/// sample in Development only), then environment variables, each overriding the one before.
/// </summary>
public static class FunctionsConfiguration
{
    /// <summary>The section the Functions host puts host.json under.</summary>
    public const string HostSection = "AzureFunctionsJobHost";

    /// <summary>Environment variable that points at the folder holding host.json (defaults to a search upwards).</summary>
    public const string AppRootVariable = "PEEKER_APP_ROOT";

    /// <summary>
    /// Adds host.json, local settings and environment variables in the Functions host's precedence. The committed
    /// <c>local.settings.sample.json</c> (development secrets) is read only when <paramref name="isDevelopment"/>.
    /// </summary>
    public static IConfigurationBuilder AddFunctionsConfiguration(
        this IConfigurationBuilder builder,
        string startDirectory,
        bool isDevelopment
    )
    {
        var root = FindAppRoot(startDirectory);
        if (root is not null)
        {
            builder.AddJsonFile(new PrefixedJsonSource(Path.Combine(root, "host.json"), HostSection));
            var local = Path.Combine(root, "local.settings.json");
            var sample = Path.Combine(root, "local.settings.sample.json");
            var settings =
                File.Exists(local) ? local
                : isDevelopment ? sample
                : null;
            if (settings is not null && File.Exists(settings))
            {
                builder.AddInMemoryCollection(ReadValues(settings));
            }
        }

        builder.AddEnvironmentVariables();
        return builder;
    }

    /// <summary>The folder holding host.json: <see cref="AppRootVariable"/>, else the first one found walking up.</summary>
    public static string? FindAppRoot(string startDirectory)
    {
        var configured = Environment.GetEnvironmentVariable(AppRootVariable);
        if (!string.IsNullOrEmpty(configured) && File.Exists(Path.Combine(configured, "host.json")))
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(startDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "host.json")))
            {
                return dir.FullName;
            }
        }

        return null;
    }

    private static Dictionary<string, string?> ReadValues(string path)
    {
        using var doc = JsonDocument.Parse(File.ReadAllText(path));
        var values = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        if (doc.RootElement.TryGetProperty("Values", out var section))
        {
            foreach (var property in section.EnumerateObject())
            {
                // The Functions host exports Values as environment variables, where "__" means ":".
                values[property.Name.Replace("__", ":", StringComparison.Ordinal)] =
                    property.Value.ValueKind == JsonValueKind.String ? property.Value.GetString() : property.Value.GetRawText();
            }
        }

        return values;
    }

    private static void AddJsonFile(this IConfigurationBuilder builder, PrefixedJsonSource source) => builder.Add(source);

    private sealed class PrefixedJsonSource(string path, string prefix) : IConfigurationSource
    {
        public IConfigurationProvider Build(IConfigurationBuilder builder) => new Provider(path, prefix);

        private sealed class Provider(string path, string prefix) : ConfigurationProvider
        {
            public override void Load()
            {
                var data = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
                if (File.Exists(path))
                {
                    using var doc = JsonDocument.Parse(File.ReadAllText(path));
                    Flatten(doc.RootElement, prefix, data);

                    // host.json logging.logLevel drives the host's log levels, as in the Functions host.
                    if (doc.RootElement.TryGetProperty("logging", out var logging) && logging.TryGetProperty("logLevel", out var levels))
                    {
                        foreach (var level in levels.EnumerateObject())
                        {
                            var category = level.Name.Equals("default", StringComparison.OrdinalIgnoreCase) ? "Default" : level.Name;
                            data[$"Logging:LogLevel:{category}"] = level.Value.GetString();
                        }
                    }
                }

                Data = data;
            }

            private static void Flatten(JsonElement element, string key, Dictionary<string, string?> data)
            {
                switch (element.ValueKind)
                {
                    case JsonValueKind.Object:
                        foreach (var property in element.EnumerateObject())
                        {
                            Flatten(property.Value, $"{key}:{property.Name}", data);
                        }

                        break;
                    case JsonValueKind.Array:
                        var index = 0;
                        foreach (var item in element.EnumerateArray())
                        {
                            Flatten(item, $"{key}:{index++}", data);
                        }

                        break;
                    case JsonValueKind.String:
                        data[key] = element.GetString();
                        break;
                    case JsonValueKind.Null:
                        data[key] = null;
                        break;
                    default:
                        data[key] = element.GetRawText();
                        break;
                }
            }
        }
    }
}
