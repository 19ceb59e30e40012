using System.Text.Json;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Tests.Functions.PartnerApi;
using Peeker.Tests.Support;

namespace Peeker.Tests.Cli;

/// <summary>
/// The CLI's success paths on real orchestrations: a webhook delivery that waits for its partner's endpoint is
/// suspended, resumed, woken by a raised event and redelivered, against the fixture's host and engine on Azurite.
/// </summary>
[Collection(PartnerApiGroup.Name)]
public sealed class WebhookCommandsTests(PartnerApiFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private readonly CliRunner _cli = new(fixture);

    [Fact]
    public async Task WaitingDelivery_SuspendResumeRaiseThenRedeliver_EachTakesEffect()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var partner = await fixture.NewPartnerAsync("CLI Webhooks");
        var eventId = await fixture
            .Service<IWebhookPublisher>()
            .PublishAsync(
                PeekerEnvironment.Test,
                partner.Id,
                "order.completed",
                new { Id = "ord_cli" },
                "ord_cli",
                null,
                CancellationToken.None
            );
        await WaitForStatusAsync(eventId, "Running");

        var suspend = await _cli.RunAsync("instances", "suspend", eventId, "--reason", "ops pause");
        await WaitForStatusAsync(eventId, "Suspended");
        var resume = await _cli.RunAsync("instances", "resume", eventId);
        await WaitForStatusAsync(eventId, "Running");

        // The endpoint is saved without waking the delivery, so only the raised event can make it deliver now.
        await fixture.Service<WebhookEndpointStore>().SetAsync(PeekerEnvironment.Test, partner.Id, receiver.Url, CancellationToken.None);
        var raise = await _cli.RunAsync("instances", "raise", eventId, WebhookTaskNames.DeliverNowEvent, "--data", "true");
        await WaitAsync(() => receiver.Deliveries.Count(d => d.EventId == eventId) == 1);
        await WaitForStatusAsync(eventId, "Completed");
        var history = await _cli.RunAsync("instances", "history", eventId);

        // A finished delivery is redelivered as a new run of the same instance id.
        var redeliver = await _cli.RunAsync("webhooks", "redeliver", eventId);
        await WaitAsync(() => receiver.Deliveries.Count(d => d.EventId == eventId) == 2);

        Assert.Equal([0, 0, 0, 0, 0], new[] { suspend.ExitCode, resume.ExitCode, raise.ExitCode, redeliver.ExitCode, history.ExitCode });
        Assert.Contains("Redelivery of " + eventId + " accepted.", redeliver.Out, StringComparison.Ordinal);
        Assert.Equal(partner.Id, PartnerCommandsTests.Field(redeliver.Out, "Partner"));
        Assert.Contains(
            history.Out.Split('\n'),
            l =>
                l.Contains("EventRaised", StringComparison.Ordinal)
                && l.Contains(WebhookTaskNames.DeliverNowEvent, StringComparison.Ordinal)
        );
        Assert.Contains(history.Out.Split('\n'), l => l.Contains("ExecutionSuspended", StringComparison.Ordinal));
        var bodies = receiver.Deliveries.Where(d => d.EventId == eventId).Select(d => d.Body).Distinct().ToList();
        Assert.Single(bodies); // The same body both times.
    }

    [Fact]
    public async Task Show_Json_NamesThePartnerEnvironmentAndAttempts()
    {
        await using var receiver = await WebhookReceiver.StartAsync();
        var partner = await fixture.NewPartnerAsync("CLI Webhooks Show");
        await fixture.Service<WebhookEndpointStore>().SetAsync(PeekerEnvironment.Test, partner.Id, receiver.Url, CancellationToken.None);
        var eventId = await fixture
            .Service<IWebhookPublisher>()
            .PublishAsync(
                PeekerEnvironment.Test,
                partner.Id,
                "order.in_progress",
                new { Id = "ord_cli_show" },
                "ord_cli_show",
                null,
                CancellationToken.None
            );
        await WaitAsync(() => receiver.Deliveries.Any(d => d.EventId == eventId));
        await WaitForStatusAsync(eventId, "Completed");

        var json = await _cli.RunAsync("webhooks", "show", eventId, "--json");
        var table = await _cli.RunAsync("webhooks", "show", eventId);

        Assert.Equal(0, json.ExitCode);
        var data = JsonDocument.Parse(json.Out).RootElement.GetProperty("data");
        Assert.Equal(partner.Id, data.GetProperty("partner_id").GetString());
        Assert.Equal("test", data.GetProperty("environment").GetString());
        Assert.Equal(eventId, data.GetProperty("event").GetProperty("id").GetString());
        Assert.Equal(
            200,
            Assert.Single(data.GetProperty("event").GetProperty("attempts").EnumerateArray()).GetProperty("status_code").GetInt32()
        );
        Assert.Equal(0, table.ExitCode);
        Assert.Equal("order.in_progress", PartnerCommandsTests.Field(table.Out, "Type"));
    }

    [Theory]
    [InlineData("webhooks", "show", "evt_01JZZZZZZZZZZZZZZZZZZZZZZZ")]
    [InlineData("webhooks", "redeliver", "evt_01JZZZZZZZZZZZZZZZZZZZZZZZ")]
    [InlineData("webhooks", "redeliver", "not-an-event")]
    [InlineData("instances", "history", "cli_missing")]
    public async Task UnknownEvent_Exits3(params string[] args)
    {
        var result = await _cli.RunAsync(args);

        Assert.Equal(3, result.ExitCode);
    }

    [Fact]
    public async Task Redeliver_WithTheManagementKeyAsAdminKey_Exits4()
    {
        _cli.Variables["PEEKER_ADMIN_KEY"] = PartnerApiFixture.ManagementKey;

        var result = await _cli.RunAsync("webhooks", "redeliver", "evt_01JZZZZZZZZZZZZZZZZZZZZZZZ");

        Assert.Equal(4, result.ExitCode);
    }

    private async Task WaitForStatusAsync(string instanceId, string status)
    {
        string? last = null;
        await WaitAsync(
            async () =>
            {
                var show = await _cli.RunAsync("instances", "show", instanceId, "--json");
                last = show.ExitCode == 0 ? JsonDocument.Parse(show.Out).RootElement.GetProperty("runtimeStatus").GetString() : show.Error;
                return last == status;
            },
            () => $"{instanceId} did not reach {status}; last seen {last}"
        );
    }

    private static Task WaitAsync(Func<bool> condition) => WaitAsync(() => Task.FromResult(condition()), () => "condition not met");

    private static async Task WaitAsync(Func<Task<bool>> condition, Func<string> message)
    {
        using var cts = new CancellationTokenSource(Timeout);
        while (!await condition())
        {
            try
            {
                await Task.Delay(100, cts.Token);
            }
            catch (OperationCanceledException)
            {
                Assert.Fail(message());
            }
        }
    }
}
