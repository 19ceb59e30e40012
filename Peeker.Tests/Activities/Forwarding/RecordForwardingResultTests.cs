using Peeker.Activities.Common;
using Peeker.Activities.Forwarding;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Support;

namespace Peeker.Tests.Activities.Forwarding;

/// <summary>A forwarding outcome is one event per domain of a job, whichever engine task records it.</summary>
public sealed class RecordForwardingResultTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_recordforwarding";

    [Fact]
    public async Task RunAsync_SameDomainFromAnotherTask_RecordsAndPublishesOnce_OtherDomainAnother()
    {
        var jobs = new ForwardingJobStore(await TestTables.CreateAsync(azurite.ConnectionString));
        var ada = new ForwardingJobDomain("dom_ada", "acme-mail.com");
        var bob = new ForwardingJobDomain("dom_bob", "acme-send.com");
        var id = Ids.New("fwj", TimeProvider.System);
        await jobs.CreateAsync(
            PeekerEnvironment.Test,
            Partner,
            new ForwardingJob(id, ForwardingJobStatus.InProgress, "https://acme.com/", [], [], TimeProvider.System.GetUtcNow(), null)
            {
                Domains = [ada, bob],
            },
            default
        );
        var webhooks = new RecordingWebhookPublisher();
        var activity = new RecordForwardingResult(jobs, webhooks);
        var job = new ForwardingJobRef(id, PeekerEnvironment.Test, Partner);

        var first = await activity.RunAsync(
            new TestActivityContext(nameof(RecordForwardingResult), id),
            new RecordForwardingResultInput(job, ada, "https://acme.com/", null)
        );
        var retried = await activity.RunAsync(
            new TestActivityContext(nameof(RecordForwardingResult), id + ":rerun"),
            new RecordForwardingResultInput(job, ada, "https://acme.com/", null)
        );
        var other = await activity.RunAsync(
            new TestActivityContext(nameof(RecordForwardingResult), id),
            new RecordForwardingResultInput(job, bob, "https://acme.com/", ForwardingFailureReason.DnsLookupFailed)
        );

        Assert.Equal(first.EventId, retried.EventId);
        Assert.NotEqual(first.EventId, other.EventId);
        var stored = await jobs.GetAsync(PeekerEnvironment.Test, Partner, id, default);
        Assert.Equal("acme-mail.com", Assert.Single(stored!.Completed));
        Assert.Equal("acme-send.com", Assert.Single(stored.Failed).Domain);
    }
}
