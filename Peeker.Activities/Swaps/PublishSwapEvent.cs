using Microsoft.DurableTask;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Swaps;

/// <summary><see cref="Occurrence"/> tells apart events of one type that a swap can publish more than once (back to <c>in_progress</c> after a wait).</summary>
public sealed record PublishSwapEventInput(SwapRef Swap, string Type, SwapReason? Reason, string? Occurrence = null);

public sealed record PublishSwapEventResult(string EventId, string Status);

/// <summary>Moves the swap row to the status of a <c>swap.*</c> event and publishes it with the row's view as data.</summary>
/// <remarks>
/// Idempotent: the status write is absolute (a finished row keeps its status) and the event id derives from the swap,
/// the type and the occurrence, so a retried or redelivered call publishes once.
/// </remarks>
public sealed class PublishSwapEvent(SwapStore swaps, IWebhookPublisher webhooks)
    : TaskActivity<PublishSwapEventInput, PublishSwapEventResult>
{
    public override async Task<PublishSwapEventResult> RunAsync(TaskActivityContext context, PublishSwapEventInput input)
    {
        var (eventId, row) = await swaps.PublishEventAsync(
            webhooks,
            input.Swap,
            input.Type,
            input.Reason,
            CancellationToken.None,
            input.Occurrence
        );
        return new PublishSwapEventResult(eventId, row.Status);
    }
}

/// <summary>Typed call of <see cref="PublishSwapEvent"/> from an orchestration.</summary>
public static class PublishSwapEventExtensions
{
    /// <summary>Schedules <see cref="PublishSwapEvent"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<PublishSwapEventResult> PublishSwapEventAsync(
        this TaskOrchestrationContext context,
        PublishSwapEventInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<PublishSwapEventResult>(nameof(PublishSwapEvent), input, options);
}
