using Peeker.Activities.Common;
using Peeker.Activities.Imports;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Imports;

/// <summary>Import events are one event per import and type, whichever engine task publishes them.</summary>
public sealed class PublishImportEventTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_publishimportevent";

    [Fact]
    public async Task RunAsync_SameImportAndTypeFromAnotherTask_PublishesTheSameEvent_OtherTypeAnother()
    {
        var imports = new DomainImportStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var id = Ids.New("imp", TimeProvider.System);
        await imports.CreateAsync(
            PeekerEnvironment.Test,
            Partner,
            new DomainImport(
                id,
                ImportStatus.InProgress,
                [],
                [new ImportDomainRow("acme-mail.com", ImportDomainStatus.Pending, null, null)],
                TimeProvider.System.GetUtcNow(),
                null
            ),
            default
        );
        var activity = new PublishImportEvent(imports, new RecordingWebhookPublisher());
        var import = new ImportRef(id, PeekerEnvironment.Test, Partner);

        var first = await activity.RunAsync(
            new TestActivityContext(nameof(PublishImportEvent), id),
            new PublishImportEventInput(import, "domain_import.action_required")
        );
        var retried = await activity.RunAsync(
            new TestActivityContext(nameof(PublishImportEvent), id + ":rerun"),
            new PublishImportEventInput(import, "domain_import.action_required")
        );
        var completed = await activity.RunAsync(
            new TestActivityContext(nameof(PublishImportEvent), id),
            new PublishImportEventInput(import, "domain_import.completed")
        );

        Assert.Equal(first.EventId, retried.EventId);
        Assert.NotEqual(first.EventId, completed.EventId);
    }
}
