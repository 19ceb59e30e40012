namespace Peeker.Activities.Common;

/// <summary>One page of a list: how many rows and the RowKey to continue after (decoded from the opaque token).</summary>
public sealed record PageRequest(int PerPage, string? After);

/// <summary>A page of results; <see cref="NextAfter"/> is the last row key when more rows exist.</summary>
public sealed record ResultPage<T>(IReadOnlyList<T> Items, string? NextAfter);
