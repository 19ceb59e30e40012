using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Moq;
using Peeker.Activities.Providers;
using Peeker.Activities.Webhooks;

namespace Peeker.Tests.Activities.Webhooks;

/// <summary>How delivery starts are deduplicated by the engine (instance id = event id).</summary>
public sealed class WebhookDeliveryStarterTests
{
    private static readonly DeliverWebhookInput Input = new("evt_01JTRX5Q8M3K7V2N9C4B6D1F0Z", PeekerEnvironment.Test, "ptn_starter");

    private readonly Mock<DurableTaskClient> _client = new("test-hub");
    private StartOrchestrationOptions? _options;

    private WebhookDeliveryStarter Starter()
    {
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .Callback<TaskName, object?, StartOrchestrationOptions?, CancellationToken>((_, _, options, _) => _options = options)
            .ReturnsAsync(Input.EventId);
        return new WebhookDeliveryStarter(new ServiceCollection().AddSingleton(_client.Object).BuildServiceProvider());
    }

    [Fact]
    public async Task StartIfAbsentAsync_OnlyIfNew_IsRefusedByAnInstanceInAnyState_FinishedOnesIncluded()
    {
        await Starter().StartIfAbsentAsync(Input, onlyIfNew: true, default);

        Assert.Equal(Input.EventId, _options!.InstanceId);
        foreach (var status in new[] { "Pending", "Running", "Suspended", "Completed", "Failed", "Terminated" })
        {
            Assert.Contains(status, _options.DedupeStatuses!);
        }
    }

    [Fact]
    public async Task StartIfAbsentAsync_Redelivery_LeavesFinishedInstancesReplaceable()
    {
        await Starter().StartIfAbsentAsync(Input, onlyIfNew: false, default);

        Assert.Equal(Input.EventId, _options!.InstanceId);
        Assert.Null(_options.DedupeStatuses);
    }

    [Fact]
    public async Task StartIfAbsentAsync_InstanceExists_IsDoneWithoutError()
    {
        var starter = Starter();
        _client.Setup(c => c.ScheduleNewOrchestrationInstanceAsync(It.IsAny<TaskName>(), It.IsAny<object?>(), It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new OrchestrationAlreadyExistsException("exists"));

        await starter.StartIfAbsentAsync(Input, onlyIfNew: true, default);

        _client.Verify(c => c.ScheduleNewOrchestrationInstanceAsync(
            It.Is<TaskName>(n => n.Name == WebhookTaskNames.DeliverWebhook), Input, It.IsAny<StartOrchestrationOptions?>(), It.IsAny<CancellationToken>()), Times.Once);
    }
}
