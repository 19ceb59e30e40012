namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// Counts fake activities in flight and, with <see cref="HoldUntil"/>, holds each until that many run at once (or 10 s
/// pass), so a test proves a parallelism bound is both reached and never exceeded.
/// </summary>
internal sealed class InFlightGate
{
    private readonly TaskCompletionSource _enough = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private int _inFlight;
    private int _max;

    /// <summary>How many must be in flight before any is let go; 0 holds nothing.</summary>
    public int HoldUntil { get; init; }

    /// <summary>The most that were in flight at once.</summary>
    public int Max => Volatile.Read(ref _max);

    public async Task EnterAsync()
    {
        var now = Interlocked.Increment(ref _inFlight);
        int current;
        while (now > (current = Volatile.Read(ref _max)) && Interlocked.CompareExchange(ref _max, now, current) != current) { }

        if (HoldUntil == 0)
        {
            return;
        }

        if (now >= HoldUntil)
        {
            _enough.TrySetResult();
        }

        await Task.WhenAny(_enough.Task, Task.Delay(TimeSpan.FromSeconds(10)));
    }

    public void Exit() => Interlocked.Decrement(ref _inFlight);
}
