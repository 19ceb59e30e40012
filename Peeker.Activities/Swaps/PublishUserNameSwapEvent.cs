using Microsoft.DurableTask;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Swaps;

public sealed record PublishUserNameSwapEventInput(SwapRef Swap, string Type, SwapReason? Reason);

public sealed record PublishUserNameSwapEventResult(string EventId, string Status);

/// <summary>Moves one user-name swap row to the status of a <c>swap.*</c> event and publishes the event with the row's view.</summary>
/// <remarks>
/// Idempotent through <see cref="SwapStore.PublishEventAsync"/>: the event id derives from the row and the event type,
/// so a retry publishes once; a finished row keeps its status.
/// </remarks>
public sealed class PublishUserNameSwapEvent(SwapStore swaps, IWebhookPublisher webhooks) : TaskActivity<PublishUserNameSwapEventInput, PublishUserNameSwapEventResult>
{
    public override async Task<PublishUserNameSwapEventResult> RunAsync(TaskActivityContext context, PublishUserNameSwapEventInput input)
    {
        var (eventId, row) = await swaps.PublishEventAsync(webhooks, input.Swap, input.Type, input.Reason, CancellationToken.None);
        return new PublishUserNameSwapEventResult(eventId, row.Status);
    }
}

/// <summary>Typed call of <see cref="PublishUserNameSwapEvent"/> from an orchestration.</summary>
public static class PublishUserNameSwapEventExtensions
{
    /// <summary>Schedules <see cref="PublishUserNameSwapEvent"/> and returns its result.</summary>
    public static Task<PublishUserNameSwapEventResult> PublishUserNameSwapEventAsync(this TaskOrchestrationContext context, PublishUserNameSwapEventInput input, TaskOptions? options = null) =>
        context.CallActivityAsync<PublishUserNameSwapEventResult>(nameof(PublishUserNameSwapEvent), input, options);
}
