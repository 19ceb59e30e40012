using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Peeker.Activities.Swaps;
using Peeker.Functions.Orchestrations;

namespace Peeker.Functions.Hosting;

/// <summary>Starts <see cref="UserNameSwapOrchestrator"/>; a start of an instance that exists in any state counts as done.</summary>
public sealed class DurableUserNameSwapWorkflows(DurableTaskClient client) : IUserNameSwapWorkflows
{
    private static readonly IReadOnlyList<string> AnyStatus = Enum.GetNames<OrchestrationRuntimeStatus>();

    /// <inheritdoc />
    public async Task StartAsync(UserNameSwapInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        try
        {
            await client.ScheduleNewOrchestrationInstanceAsync(
                nameof(UserNameSwapOrchestrator),
                input,
                new StartOrchestrationOptions(UserNameSwapOrchestrator.InstanceId(input.BatchId)) { DedupeStatuses = AnyStatus },
                cancellationToken
            );
        }
        catch (DurableTask.Core.Exceptions.OrchestrationAlreadyExistsException)
        {
            // A retried request: the orchestration already runs.
        }
    }
}
