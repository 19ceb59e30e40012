namespace Peeker.Functions.Hosting;

/// <summary>
/// What this host does (<c>Peeker:Roles</c>, comma-separated, default <c>api,worker</c>): <c>api</c> serves the Partner
/// API, its admin API and OpenAPI document; <c>worker</c> runs the durable engine's worker (orchestrations and
/// activities). A host without <c>worker</c> still starts orchestrations and sends events through the task hub; one
/// without <c>api</c> answers 404 on the partner routes. Health, the engine's management API, the ops console and the
/// sandbox simulators are served by every host.
/// </summary>
/// <param name="Api">Serves the Partner API.</param>
/// <param name="Worker">Runs orchestrations and activities.</param>
public sealed record HostRoles(bool Api, bool Worker)
{
    /// <summary>The configuration key.</summary>
    public const string Key = "Peeker:Roles";

    private static readonly string[] Known = ["api", "worker"];

    /// <summary>The names of the roles in force, for <c>/health</c>.</summary>
    public IReadOnlyList<string> Names => [.. Known.Where(r => r == "api" ? Api : Worker)];

    /// <summary>Reads <see cref="Key"/>; an unknown word or an empty list stops the host naming the key.</summary>
    public static HostRoles From(IConfiguration configuration)
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var text = configuration[Key];
        if (text is null)
        {
            return new HostRoles(true, true);
        }

        var words = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        if (words.Length == 0 || words.Any(w => !Known.Contains(w, StringComparer.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException(
                $"{Key} must name api, worker or both, comma-separated (got \"{text}\"): api serves the Partner API, worker runs the orchestrations."
            );
        }

        return new HostRoles(
            words.Contains("api", StringComparer.OrdinalIgnoreCase),
            words.Contains("worker", StringComparer.OrdinalIgnoreCase)
        );
    }
}
