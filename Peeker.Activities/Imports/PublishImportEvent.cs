using Microsoft.DurableTask;
using Peeker.Activities.Webhooks;

namespace Peeker.Activities.Imports;

public sealed record PublishImportEventInput(ImportRef Import, string Type);

public sealed record PublishImportEventResult(string EventId);

/// <summary>Publishes <c>domain_import.action_required</c>, <c>.completed</c> or <c>.failed</c> with the import as it stands as data.</summary>
/// <remarks>Idempotent: the event id derives from the import and the event type, so a retried or redelivered call publishes once.</remarks>
public sealed class PublishImportEvent(DomainImportStore imports, IWebhookPublisher webhooks)
    : TaskActivity<PublishImportEventInput, PublishImportEventResult>
{
    public override async Task<PublishImportEventResult> RunAsync(TaskActivityContext context, PublishImportEventInput input)
    {
        var import =
            await imports.GetAsync(input.Import.Environment, input.Import.PartnerId, input.Import.ImportId, CancellationToken.None)
            ?? throw new InvalidOperationException($"Import {input.Import.ImportId} does not exist.");
        // The business identity of the event: one event of each type per import.
        var key = $"{input.Import.ImportId}:{input.Type}";
        var eventId = await webhooks.PublishAsync(
            input.Import.Environment,
            input.Import.PartnerId,
            input.Type,
            import,
            null,
            key,
            CancellationToken.None
        );
        return new PublishImportEventResult(eventId);
    }
}

/// <summary>Typed call of <see cref="PublishImportEvent"/> from an orchestration.</summary>
public static class PublishImportEventExtensions
{
    /// <summary>Schedules <see cref="PublishImportEvent"/> (with <paramref name="options"/>, usually a retry policy) and returns its result.</summary>
    public static Task<PublishImportEventResult> PublishImportEventAsync(
        this TaskOrchestrationContext context,
        PublishImportEventInput input,
        TaskOptions? options = null
    ) => context.CallActivityAsync<PublishImportEventResult>(nameof(PublishImportEvent), input, options);
}
