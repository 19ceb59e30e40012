using Microsoft.Extensions.Logging.Testing;

namespace Peeker.Tests.Support;

/// <summary>The collected log records as text, for "this appears / no secret appears in any log" checks.</summary>
public static class FakeLogCollectorExtensions
{
    /// <summary>Each record as one line: category, level, formatted message and exception text.</summary>
    public static IReadOnlyList<string> Lines(this FakeLogCollector logs) =>
        [.. logs.GetSnapshot().Select(r => $"{r.Category} {r.Level} {r.Message} {r.Exception}")];
}
