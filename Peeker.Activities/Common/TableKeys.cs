namespace Peeker.Activities.Common;

/// <summary>
/// What Azure Tables accepts as a PartitionKey or RowKey: at most 1 KiB (512 UTF-16 characters), none of
/// <c>/ \ # ?</c> and no control characters. Partner input becomes a key only after this check (or after a stricter
/// one: ids by <see cref="Ids.Has"/>, domain names by normalisation), so bad input is a 400 or 404, never a 500.
/// </summary>
public static class TableKeys
{
    /// <summary>Longest key, in characters.</summary>
    public const int MaxLength = 512;

    /// <summary>True when <paramref name="value"/> can be stored as a key as it is.</summary>
    public static bool IsSafe(string? value) =>
        !string.IsNullOrEmpty(value) && value.Length <= MaxLength && !value.Any(c => c is '/' or '\\' or '#' or '?' || char.IsControl(c));
}
