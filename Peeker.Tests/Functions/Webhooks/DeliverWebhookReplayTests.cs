using System.Text.Json;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using Peeker.Activities.Providers;
using Peeker.Durable;
using Peeker.Durable.History;
using Peeker.Durable.Runtime;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Webhooks;

/// <summary>
/// Replays checked-in histories of <see cref="DeliverWebhookOrchestrator"/>, so an edit that changes what the code
/// schedules for running instances fails here. Re-record (deliberately, with a versioning plan) by running these tests
/// with <c>PEEKER_RECORD_HISTORIES=1</c>.
/// </summary>
public sealed class DeliverWebhookReplayTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private static readonly JsonSerializerOptions Indented = new(DataConverter.Default.Options) { WriteIndented = true };
    private static readonly string Folder = Path.Combine(RepoPaths.Root, "Peeker.Tests", "Functions", "Webhooks", "Histories");

    [Fact]
    public async Task Replay_FailsThreeTimesThenDelivers_IsDeterministic()
    {
        await RecordIfAskedAsync("deliver-webhook-fails-three-times.json", async host =>
        {
            await using var receiver = await WebhookReceiver.StartAsync((n, c) => WebhookReceiver.Status(c, n <= 3 ? 500 : 200));
            await host.Endpoints.SetAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, receiver.Url, CancellationToken.None);
            var id = await host.PublishAsync();
            await host.WaitForDeliveryAsync(id);
            return id;
        }, manualClock: null);

        var result = Replay("deliver-webhook-fails-three-times.json");

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 4), result);
    }

    [Fact]
    public async Task Replay_WaitsForEndpointThenDelivers_IsDeterministic()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2026, 5, 8, 12, 0, 0, TimeSpan.Zero));
        await RecordIfAskedAsync("deliver-webhook-awaits-endpoint.json", async host =>
        {
            await using var receiver = await WebhookReceiver.StartAsync((_, c) => WebhookReceiver.Status(c, 200));
            var id = await host.PublishAsync();
            while ((await host.Events.GetAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, id, CancellationToken.None))?.Status != "awaiting_endpoint")
            {
                await Task.Delay(20);
            }

            clock.Advance(TimeSpan.FromHours(2));
            await host.Endpoints.SetAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, receiver.Url, CancellationToken.None);
            await host.EventLog.WakeAwaitingAsync(PeekerEnvironment.Test, WebhookTestHost.Partner, CancellationToken.None);
            await host.WaitForDeliveryAsync(id);
            return id;
        }, clock);

        var result = Replay("deliver-webhook-awaits-endpoint.json");

        Assert.Equal(new DeliverWebhookResult(DeliverWebhookOutcome.Delivered, 1), result);
    }

    private static DeliverWebhookResult? Replay(string file)
    {
        var history = JsonSerializer.Deserialize<List<HistoryEvent>>(File.ReadAllText(Path.Combine(Folder, file)), DataConverter.Default.Options)!;
        var executor = new OrchestrationExecutor("evt_replay", new DeliverWebhookOrchestrator(), DataConverter.Default, NullLoggerFactory.Instance);

        executor.Replay(history);
        var outcome = executor.GetOutcome();

        Assert.True(outcome.Status == OrchestrationRuntimeStatus.Completed, $"{outcome.Status}: {outcome.Failure?.ErrorMessage}");
        Assert.Empty(executor.TakeNewActions());
        return DataConverter.Default.Deserialize<DeliverWebhookResult>(outcome.Output);
    }

    private async Task RecordIfAskedAsync(string file, Func<WebhookTestHost, Task<string>> run, FakeTimeProvider? manualClock)
    {
        if (Environment.GetEnvironmentVariable("PEEKER_RECORD_HISTORIES") != "1")
        {
            return;
        }

        await using var host = await WebhookTestHost.StartAsync(azurite.ConnectionString, WebhookTestHost.NewPrefix(), manualClock: manualClock);
        var id = await run(host);
        var history = await host.Durable.Client.GetOrchestrationHistoryAsync(id);
        await File.WriteAllTextAsync(Path.Combine(Folder, file), JsonSerializer.Serialize(history, Indented) + "\n");
    }
}
