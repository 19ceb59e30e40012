using System.ComponentModel.DataAnnotations;
using System.Globalization;
using Microsoft.Extensions.Configuration;
using Peeker.Durable.Hosting;

namespace Peeker.Benchmarks;

/// <summary>
/// A set of <c>extensions.durableTask</c> settings, as host.json keys relative to that section
/// (<c>storageProvider:partitionCount</c>), so the same values drive the in-process engine and the host process.
/// </summary>
/// <param name="Name">Column title.</param>
/// <param name="Values">The keys and values; keys absent here keep the host's host.json values in the host process.</param>
/// <param name="ActivityDispatchers">
/// Not a host.json setting: parallel activity fetch loops in the in-process engine (see <see cref="Peeker.Benchmarks.ActivityDispatchers"/>); 1 is DTFx's.
/// </param>
public sealed record SettingsProfile(string Name, IReadOnlyDictionary<string, string> Values, int ActivityDispatchers = 1)
{
    private const string Section = "extensions:durableTask";

    /// <summary>
    /// Ours: host.json <c>extensions.durableTask</c> (the repository's file, as the host reads it), then the
    /// <c>--set key=value</c> overrides from the command line, for tuning without editing host.json.
    /// </summary>
    public static SettingsProfile Ours(string[] args)
    {
        var hostJson = Path.Combine(FindRoot(), "host.json");
        var section = new ConfigurationBuilder().AddJsonFile(hostJson).Build().GetSection(Section);
        var values = section
            .AsEnumerable(makePathsRelative: true)
            .Where(p => p.Value is not null)
            .ToDictionary(p => p.Key, p => p.Value!, StringComparer.OrdinalIgnoreCase);
        var overrides = Overrides(args);
        foreach (var (key, value) in overrides)
        {
            values[key] = value;
        }

        var i = Array.IndexOf(args, "--activity-dispatchers");
        var dispatchers = i >= 0 && i + 1 < args.Length ? int.Parse(args[i + 1], CultureInfo.InvariantCulture) : 1;
        var name = overrides.Count == 0 && dispatchers == 1 ? "ours (host.json)" : "ours (host.json + options)";
        return new SettingsProfile(name, values, dispatchers);
    }

    /// <summary>Durable Functions' defaults for a Dedicated/Premium host (reference/durable-engine.md §2.3).</summary>
    public static SettingsProfile DurableFunctionsDefaults()
    {
        var perCore = (10 * Environment.ProcessorCount).ToString(CultureInfo.InvariantCulture);
        return new SettingsProfile(
            "DF defaults",
            new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
            {
                ["hubName"] = "TestHubName",
                ["maxConcurrentActivityFunctions"] = perCore,
                ["maxConcurrentOrchestratorFunctions"] = perCore,
                ["extendedSessionsEnabled"] = "false",
                ["extendedSessionIdleTimeoutInSeconds"] = "30",
                ["storageProvider:partitionCount"] = "4",
                ["storageProvider:controlQueueBatchSize"] = "32",
                ["storageProvider:controlQueueBufferThreshold"] = "256",
                ["storageProvider:controlQueueVisibilityTimeout"] = "00:05:00",
                ["storageProvider:workItemQueueVisibilityTimeout"] = "00:05:00",
                ["storageProvider:maxQueuePollingInterval"] = "00:00:30",
                ["storageProvider:leaseInterval"] = "00:00:30",
                ["storageProvider:leaseRenewInterval"] = "00:00:10",
                ["storageProvider:leaseAcquireInterval"] = "00:00:10",
                ["storageProvider:useTablePartitionManagement"] = "true",
            }
        );
    }

    /// <summary>The values bound onto the engine's options, validated as the host validates them.</summary>
    public DurableTaskOptions Bind()
    {
        var options = new DurableTaskOptions();
        new ConfigurationBuilder().AddInMemoryCollection(Values!).Build().Bind(options);
        Validator.ValidateObject(options, new ValidationContext(options), validateAllProperties: true);
        Validator.ValidateObject(options.StorageProvider, new ValidationContext(options.StorageProvider), validateAllProperties: true);
        return options;
    }

    /// <summary>The values as environment variables for the host process (they override its host.json).</summary>
    public IEnumerable<KeyValuePair<string, string>> AsEnvironment() =>
        Values.Select(p =>
            KeyValuePair.Create(
                "AzureFunctionsJobHost__extensions__durableTask__" + p.Key.Replace(":", "__", StringComparison.Ordinal),
                p.Value
            )
        );

    /// <summary>One line describing the settings that matter for speed.</summary>
    public string Describe()
    {
        var o = Bind();
        var s = o.StorageProvider;
        return $"{Name}: activities {o.MaxConcurrentActivityFunctions}, orchestrators {o.MaxConcurrentOrchestratorFunctions}, "
            + $"extended sessions {o.ExtendedSessionsEnabled}, partitions {s.PartitionCount}, batch {s.ControlQueueBatchSize}, "
            + $"buffer {s.ControlQueueBufferThreshold}, max polling {s.MaxQueuePollingInterval}, table partitions {s.UseTablePartitionManagement}"
            + (ActivityDispatchers > 1 ? $", activity dispatchers {ActivityDispatchers} (experiment)" : "");
    }

    /// <summary>The repository root: <c>PEEKER_APP_ROOT</c> (a copied build), else the first folder above the binaries with the solution.</summary>
    internal static string FindRoot()
    {
        if (
            Environment.GetEnvironmentVariable("PEEKER_APP_ROOT") is { Length: > 0 } configured
            && File.Exists(Path.Combine(configured, "host.json"))
        )
        {
            return configured;
        }

        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "host.json")) && File.Exists(Path.Combine(dir.FullName, "Peeker.sln")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException("host.json not found above " + AppContext.BaseDirectory);
    }

    private static Dictionary<string, string> Overrides(string[] args)
    {
        var overrides = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < args.Length - 1; i++)
        {
            if (args[i] == "--set")
            {
                var pair = args[i + 1].Split('=', 2);
                if (pair.Length != 2)
                {
                    throw new ArgumentException($"--set expects key=value, as in storageProvider:partitionCount=2, not '{args[i + 1]}'");
                }

                overrides[pair[0]] = pair[1];
            }
        }

        return overrides;
    }
}
