using System.Globalization;
using System.Text;

namespace Peeker.Durable.AzureStorage;

/// <summary>Resource names, key escaping and partition hashing of a task hub, as the Durable Task Framework does them.</summary>
internal static class StorageNames
{
    /// <summary>RowKey of the history row whose ETag guards every append.</summary>
    public const string SentinelRowKey = "sentinel";

    public static string HistoryTable(string hub) => hub + "History";

    public static string InstancesTable(string hub) => hub + "Instances";

    public static string PoisonTable(string hub) => hub + "Poison";

    public static string ControlQueue(string hub, int partition) =>
        $"{hub.ToLowerInvariant()}-control-{partition.ToString("00", CultureInfo.InvariantCulture)}";

    public static string WorkItemQueue(string hub) => hub.ToLowerInvariant() + "-workitems";

    public static string LeaseContainer(string hub) => hub.ToLowerInvariant() + "-leases";

    public static string LargeMessageContainer(string hub) => hub.ToLowerInvariant() + "-largemessages";

    /// <summary>History RowKey: the event's position as 16 uppercase hex digits.</summary>
    public static string SequenceKey(long sequence) => sequence.ToString("X16", CultureInfo.InvariantCulture);

    /// <summary>The control queue (partition) of an instance: 32-bit FNV-1a of the UTF-8 id, modulo the partition count.</summary>
    public static int PartitionOf(string instanceId, int partitionCount)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(instanceId))
        {
            hash ^= b;
            hash = unchecked(hash * 16777619u);
        }

        return (int)(hash % (uint)partitionCount);
    }

    /// <summary>Escapes an instance id for Table keys (DTFx rules: ^ / \ # ? and control characters).</summary>
    public static string EscapeKey(string key)
    {
        var builder = new StringBuilder(key.Length + 4);
        foreach (var c in key)
        {
            switch (c)
            {
                case '^': builder.Append("^^"); break;
                case '/': builder.Append("^0"); break;
                case '\\': builder.Append("^1"); break;
                case '#': builder.Append("^2"); break;
                case '?': builder.Append("^3"); break;
                default:
                    if (c <= '\u001F' || (c >= '\u007F' && c <= '\u009F'))
                    {
                        builder.Append('^').Append((char)(c + '\u00C0'));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.ToString();
    }

    /// <summary>Reverses <see cref="EscapeKey"/>.</summary>
    public static string UnescapeKey(string key)
    {
        if (!key.Contains('^', StringComparison.Ordinal))
        {
            return key;
        }

        var builder = new StringBuilder(key.Length);
        for (var i = 0; i < key.Length; i++)
        {
            if (key[i] != '^' || i + 1 >= key.Length)
            {
                builder.Append(key[i]);
                continue;
            }

            var next = key[++i];
            builder.Append(next switch
            {
                '^' => '^',
                '0' => '/',
                '1' => '\\',
                '2' => '#',
                '3' => '?',
                _ => (char)(next - '\u00C0'),
            });
        }

        return builder.ToString();
    }

    /// <summary>Quotes a value for an OData filter.</summary>
    public static string Quote(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}
