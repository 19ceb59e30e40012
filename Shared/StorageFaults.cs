namespace Peeker.Shared;

/// <summary>A storage fault the proxy answers instead of (or after) forwarding a request to Azurite.</summary>
internal enum StorageFault
{
    /// <summary>503 with <c>x-ms-error-code: ServerBusy</c>, as a throttled account answers; nothing reaches Azurite.</summary>
    Busy,

    /// <summary>500 <c>InternalError</c>; nothing reaches Azurite.</summary>
    Internal,

    /// <summary>The answer is held for <see cref="StorageFaults.TimeoutDelay"/>, then 500 <c>OperationTimedOut</c>; nothing reaches Azurite.</summary>
    Timeout,

    /// <summary>The connection is dropped before the request is forwarded.</summary>
    DropBefore,

    /// <summary>The request is forwarded and done by Azurite, then the connection is dropped: the client never sees the answer.</summary>
    DropAfter,
}

/// <summary>
/// Which share of storage requests the proxy fails, per service (0 table, 1 queue, 2 blob), and how. Seeded, so a run
/// can be repeated; the kinds are drawn evenly.
/// </summary>
internal sealed class StorageFaults(double[] rates, StorageFault[] kinds, int seed, TimeSpan timeoutDelay)
{
    private readonly Random _random = new(seed);
    private readonly long[] _injected = new long[Enum.GetValues<StorageFault>().Length];

    public static readonly string[] ServiceNames = ["table", "queue", "blob"];

    public TimeSpan TimeoutDelay { get; } = timeoutDelay;

    /// <summary>While false (the fault-free part of a run) nothing is injected.</summary>
    public bool Enabled { get; set; } = true;

    /// <summary>Injected faults by kind.</summary>
    public IReadOnlyDictionary<StorageFault, long> Injected =>
        Enum.GetValues<StorageFault>().ToDictionary(k => k, k => Interlocked.Read(ref _injected[(int)k]));

    /// <summary>The fault for the next request to <paramref name="service"/>, or null to forward it untouched.</summary>
    public StorageFault? Next(int service)
    {
        if (!Enabled || rates[service] <= 0 || kinds.Length == 0)
        {
            return null;
        }

        StorageFault kind;
        lock (_random)
        {
            if (_random.NextDouble() >= rates[service])
            {
                return null;
            }

            kind = kinds[_random.Next(kinds.Length)];
        }

        Interlocked.Increment(ref _injected[(int)kind]);
        return kind;
    }

    public string Describe() =>
        $"storage faults: {string.Join(", ", ServiceNames.Select((s, i) => $"{s} {rates[i]:P0}"))} of requests, kinds {string.Join("/", kinds)}, timeout hold {TimeoutDelay.TotalSeconds:F0} s";
}
