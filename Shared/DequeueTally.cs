using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;

namespace Peeker.Shared;

/// <summary>
/// Every queue message the proxy handed to a host, read from the Get Messages answers: a message handed over again
/// (after a host died holding it, or its visibility timeout lapsed while it ran) is a redelivery. For the work-item
/// queue a redelivery is an activity run again; for control queues an orchestration episode's message read again.
/// </summary>
internal sealed partial class DequeueTally
{
    private readonly ConcurrentDictionary<string, int>[] _handed = [new(), new()];
    private readonly long[] _redelivered = new long[2];

    /// <summary>Distinct work-item (activity) messages handed to hosts.</summary>
    public int Activities => _handed[0].Count;

    /// <summary>Times a work-item message was handed over again.</summary>
    public long ActivityRedeliveries => Interlocked.Read(ref _redelivered[0]);

    public int ControlMessages => _handed[1].Count;

    public long ControlRedeliveries => Interlocked.Read(ref _redelivered[1]);

    /// <summary>Activity redeliveries per 1,000 activity messages.</summary>
    public double ActivityRedeliveriesPerThousand => Activities == 0 ? 0 : ActivityRedeliveries * 1000.0 / Activities;

    /// <summary>A Get Messages request (<c>GET /{account}/{queue}/messages</c>, not a peek).</summary>
    public static bool IsDequeue(string rawTarget) =>
        rawTarget.Contains("/messages", StringComparison.Ordinal)
        && !rawTarget.Contains("peekonly=true", StringComparison.OrdinalIgnoreCase);

    public void Record(string rawTarget, byte[] body)
    {
        var kind =
            rawTarget.Contains("-workitems/", StringComparison.OrdinalIgnoreCase) ? 0
            : rawTarget.Contains("-control-", StringComparison.OrdinalIgnoreCase) ? 1
            : -1;
        if (kind < 0)
        {
            return;
        }

        foreach (Match message in MessageId().Matches(Encoding.UTF8.GetString(body)))
        {
            var id = message.Groups[1].Value;
            if (_handed[kind].AddOrUpdate(id, 1, (_, n) => n + 1) > 1)
            {
                Interlocked.Increment(ref _redelivered[kind]);
            }
        }
    }

    public string Describe() =>
        string.Create(
            CultureInfo.InvariantCulture,
            $"activity messages {Activities}, redelivered {ActivityRedeliveries} ({ActivityRedeliveriesPerThousand:F1}/1000); control messages {ControlMessages}, redelivered {ControlRedeliveries}"
        );

    [GeneratedRegex("<MessageId>([^<]+)</MessageId>")]
    private static partial Regex MessageId();
}
