using DurableTask.Core;
using DurableTask.Core.History;
using Newtonsoft.Json;
using Newtonsoft.Json.Linq;
using Peeker.Durable.Client;

namespace Peeker.Tests.Durable.Replay;

/// <summary>
/// <see cref="HistoryJson"/> reads the history JSON of DTFx's Azure Storage provider (numeric <c>EventType</c>, no type
/// names) back into DTFx's event classes: the histories the client returns, and the recorder checks in, come through it.
/// </summary>
public sealed class HistoryJsonTests
{
    /// <summary>What DTFx's Azure Storage provider writes history JSON with (<c>Utils.SerializeToJson</c>).</summary>
    private static readonly JsonSerializer AzureStorageSerializer = JsonSerializer.Create();

    /// <summary>One event of each kind the orchestrators produce, in the shape Azure Storage returns them (trimmed from a recording).</summary>
    private const string AzureStorageHistory = """
        [
          {"EventType":12,"EventId":-1,"IsPlayed":false,"Timestamp":"2026-05-08T12:00:00.1000000Z"},
          {"OrchestrationInstance":{"InstanceId":"ord_1","ExecutionId":"c3698ff8"},"EventType":0,"ParentInstance":null,"Name":"ProvisionOrderOrchestrator","Version":"","Input":"{\"OrderId\":\"ord_1\",\"Environment\":0}","Tags":{},"Correlation":null,"ParentTraceContext":null,"ScheduledStartTime":null,"Generation":0,"GenerateNewTrace":false,"EventId":-1,"IsPlayed":true,"Timestamp":"2026-05-08T12:00:00.0500000Z"},
          {"EventType":4,"Name":"LoadOrderPlan","Version":"","Input":null,"ParentTraceContext":null,"Tags":{},"EventId":0,"IsPlayed":false,"Timestamp":"2026-05-08T12:00:00.2000000Z"},
          {"EventType":13,"EventId":-1,"IsPlayed":false,"Timestamp":"2026-05-08T12:00:00.2100000Z"},
          {"EventType":5,"TaskScheduledId":0,"Result":"{\"PartnerId\":\"ptr_1\"}","EventId":-1,"IsPlayed":true,"Timestamp":"2026-05-08T12:00:00.3000000Z"},
          {"EventType":6,"TaskScheduledId":1,"Reason":"cloudflare: 10000: Authentication error","Details":null,"FailureDetails":{"ErrorType":"Peeker.Durable.Retries.NonRetriableTaskException","ErrorMessage":"cloudflare: 10000: Authentication error","StackTrace":"   at ClassifyingActivity.RunAsync","InnerFailure":{"ErrorType":"Peeker.Activities.Providers.ProviderException","ErrorMessage":"cloudflare: 10000: Authentication error","StackTrace":null,"InnerFailure":null,"IsNonRetriable":false,"Properties":null},"IsNonRetriable":false,"Properties":null},"EventId":-1,"IsPlayed":true,"Timestamp":"2026-05-08T12:00:00.4000000Z"},
          {"EventType":10,"FireAt":"2026-05-08T12:00:02.1219429Z","EventId":2,"IsPlayed":false,"Timestamp":"2026-05-08T12:00:00.5000000Z"},
          {"EventType":11,"TimerId":2,"FireAt":"2026-05-08T12:00:02.1219429Z","EventId":-1,"IsPlayed":true,"Timestamp":"2026-05-08T12:00:00.5100000Z"},
          {"EventType":7,"Name":"ProvisionDomainOrchestrator","Version":"","InstanceId":"ord_1:acme-mail.com","Input":null,"ClientSpanId":null,"Tags":{},"EventId":3,"IsPlayed":false,"Timestamp":"2026-05-08T12:00:03.0000000Z"},
          {"EventType":8,"TaskScheduledId":3,"Result":"{\"Domain\":\"acme-mail.com\",\"Connected\":true}","EventId":-1,"IsPlayed":true,"Timestamp":"2026-05-08T12:00:04.0000000Z"},
          {"EventType":15,"Name":"deliver_now","Input":"true","EventId":-1,"IsPlayed":true,"Timestamp":"2026-05-08T12:00:05.0000000Z"},
          {"EventType":1,"OrchestrationStatus":1,"Result":"{\"OrderId\":\"ord_1\",\"Status\":\"completed\"}","FailureDetails":null,"EventId":4,"IsPlayed":false,"Timestamp":"2026-05-08T12:00:06.0000000Z"}
        ]
        """;

    [Fact]
    public void Deserialize_AzureStorageHistory_MapsEachEventToItsClassWithItsFields()
    {
        var events = HistoryJson.Deserialize(AzureStorageHistory);

        Assert.Collection(
            events,
            e =>
                Assert.Equal(
                    new DateTime(2026, 5, 8, 12, 0, 0, 100, DateTimeKind.Utc),
                    Assert.IsType<OrchestratorStartedEvent>(e).Timestamp
                ),
            e =>
            {
                var started = Assert.IsType<ExecutionStartedEvent>(e);
                Assert.Equal(
                    ("ProvisionOrderOrchestrator", "ord_1", "c3698ff8"),
                    (started.Name, started.OrchestrationInstance.InstanceId, started.OrchestrationInstance.ExecutionId)
                );
                Assert.Equal("""{"OrderId":"ord_1","Environment":0}""", started.Input);
            },
            e => Assert.Equal(("LoadOrderPlan", 0), (Assert.IsType<TaskScheduledEvent>(e).Name, e.EventId)),
            e => Assert.IsType<OrchestratorCompletedEvent>(e),
            e =>
                Assert.Equal(
                    (0, """{"PartnerId":"ptr_1"}"""),
                    (Assert.IsType<TaskCompletedEvent>(e).TaskScheduledId, ((TaskCompletedEvent)e).Result)
                ),
            e =>
            {
                var failed = Assert.IsType<TaskFailedEvent>(e);
                Assert.Equal(1, failed.TaskScheduledId);
                Assert.Equal("Peeker.Durable.Retries.NonRetriableTaskException", failed.FailureDetails!.ErrorType);
                Assert.Equal("cloudflare: 10000: Authentication error", failed.FailureDetails.ErrorMessage);
                Assert.Equal("Peeker.Activities.Providers.ProviderException", failed.FailureDetails.InnerFailure!.ErrorType);
            },
            e => Assert.Equal((2, FireAt), (e.EventId, Assert.IsType<TimerCreatedEvent>(e).FireAt)),
            e => Assert.Equal((2, FireAt), (Assert.IsType<TimerFiredEvent>(e).TimerId, ((TimerFiredEvent)e).FireAt)),
            e =>
            {
                var created = Assert.IsType<SubOrchestrationInstanceCreatedEvent>(e);
                Assert.Equal(
                    ("ProvisionDomainOrchestrator", "ord_1:acme-mail.com", 3),
                    (created.Name, created.InstanceId, created.EventId)
                );
            },
            e => Assert.Equal(3, Assert.IsType<SubOrchestrationInstanceCompletedEvent>(e).TaskScheduledId),
            e => Assert.Equal(("deliver_now", "true"), (Assert.IsType<EventRaisedEvent>(e).Name, ((EventRaisedEvent)e).Input)),
            e =>
            {
                var completed = Assert.IsType<ExecutionCompletedEvent>(e);
                Assert.Equal(OrchestrationStatus.Completed, completed.OrchestrationStatus);
                Assert.Equal("""{"OrderId":"ord_1","Status":"completed"}""", completed.Result);
            }
        );
    }

    /// <summary>
    /// Every event of every recorded history, written as the Azure Storage provider writes history JSON (Newtonsoft's
    /// default serializer over the event objects), reads back as the same class with the same fields.
    /// </summary>
    [Theory]
    [MemberData(nameof(OrchestratorReplayTests.Orchestrators), MemberType = typeof(OrchestratorReplayTests))]
    public void Deserialize_RecordedHistoryInAzureStorageFormat_RoundTripsEveryEvent(string orchestrator)
    {
        var recorded = OrchestratorReplayTests.Load(orchestrator);
        using var writer = new StringWriter(CultureInfo.InvariantCulture);
        AzureStorageSerializer.Serialize(writer, recorded);
        var json = writer.ToString();

        var events = HistoryJson.Deserialize(json);

        Assert.Equal(recorded.Select(e => e.GetType()), events.Select(e => e.GetType()));
        Assert.All(
            recorded.Zip(events),
            pair =>
                Assert.True(
                    JToken.DeepEquals(
                        JToken.FromObject(pair.First, AzureStorageSerializer),
                        JToken.FromObject(pair.Second, AzureStorageSerializer)
                    ),
                    $"{pair.First.EventType} #{pair.First.EventId} changed"
                )
        );
    }

    private static DateTime FireAt => new DateTime(2026, 5, 8, 12, 0, 2, DateTimeKind.Utc).AddTicks(1219429);
}
