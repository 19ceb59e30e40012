using System.Collections.Concurrent;
using Peeker.Activities.Swaps;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>Records the user-name swaps the API asked the engine to start; can be told to fail.</summary>
public sealed class RecordingUserNameSwaps : IUserNameSwapWorkflows
{
    public ConcurrentQueue<UserNameSwapInput> Started { get; } = new();

    private volatile bool _failNextStart;

    public bool FailNextStart
    {
        get => _failNextStart;
        set => _failNextStart = value;
    }

    public Task StartAsync(UserNameSwapInput input, CancellationToken cancellationToken)
    {
        if (FailNextStart)
        {
            FailNextStart = false;
            throw new InvalidOperationException("engine unavailable");
        }

        Started.Enqueue(input);
        return Task.CompletedTask;
    }
}
