namespace Peeker.Activities.Common;

/// <summary>Public ids: a type prefix plus a 26-character Crockford ULID (<c>ord_01J…</c>).</summary>
public static class Ids
{
    /// <summary>A new id with <paramref name="prefix"/> (for example <c>"ord"</c>), time-ordered by <paramref name="time"/>.</summary>
    public static string New(string prefix, TimeProvider time) => New(prefix, time.GetUtcNow());

    /// <summary>A new id with <paramref name="prefix"/>, time-ordered by <paramref name="at"/> (when the caller already read the clock).</summary>
    public static string New(string prefix, DateTimeOffset at) => $"{prefix}_{Ulid.NewUlid(at)}";

    /// <summary>Whether <paramref name="value"/> looks like an id with <paramref name="prefix"/>.</summary>
    public static bool Has(string? value, string prefix) =>
        value is not null
        && value.StartsWith(prefix + "_", StringComparison.Ordinal)
        && Ulid.TryParse(value.AsSpan(prefix.Length + 1), out _);
}
