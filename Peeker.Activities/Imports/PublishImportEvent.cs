using Peeker.Activities.Webhooks;
using Peeker.Durable;

namespace Peeker.Activities.Imports;

public sealed record PublishImportEventInput(ImportRef Import, string Type);

public sealed record PublishImportEventResult(string EventId);

/// <summary>Publishes <c>domain_import.action_required</c>, <c>.completed</c> or <c>.failed</c> with the import as it stands as data.</summary>
/// <remarks>Idempotent: the event id derives from this invocation.</remarks>
public sealed class PublishImportEvent(DomainImportStore imports, IWebhookPublisher webhooks) : TaskActivity<PublishImportEventInput, PublishImportEventResult>
{
    public override async Task<PublishImportEventResult> RunAsync(TaskActivityContext context, PublishImportEventInput input)
    {
        var import = await imports.GetAsync(input.Import.Environment, input.Import.PartnerId, input.Import.ImportId, context.CancellationToken)
            ?? throw new InvalidOperationException($"Import {input.Import.ImportId} does not exist.");
        var eventId = await webhooks.PublishAsync(input.Import.Environment, input.Import.PartnerId, input.Type, import, null, context.IdempotencyKey, context.CancellationToken);
        return new PublishImportEventResult(eventId);
    }
}
