using DurableTask.Core.Exceptions;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.Options;
using Moq;
using Peeker.Activities.Common;
using Peeker.Activities.Webhooks;
using Peeker.Functions.Hosting;
using Peeker.Functions.Orchestrations;

namespace Peeker.Tests.Functions.Hosting;

/// <summary>How delivery starts are named and deduplicated by the engine (instance id = event id).</summary>
public sealed class DurableWebhookDeliveriesTests
{
    private static readonly DeliverWebhookInput Input = new("evt_01JTRX5Q8M3K7V2N9C4B6D1F0Z", PeekerEnvironment.Test, "ptn_starter");

    private static readonly WebhookOptions Settings = new()
    {
        RetrySchedule = [TimeSpan.Zero, TimeSpan.FromSeconds(7)],
        EndpointWindow = TimeSpan.FromMinutes(9),
    };

    private readonly Mock<DurableTaskClient> _client = new("test-hub");
    private TaskName? _name;
    private object? _input;
    private StartOrchestrationOptions? _options;

    private DurableWebhookDeliveries Deliveries()
    {
        _client
            .Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .Callback<TaskName, object?, StartOrchestrationOptions?, CancellationToken>(
                (name, input, options, _) => (_name, _input, _options) = (name, input, options)
            )
            .ReturnsAsync(Input.EventId);
        return new DurableWebhookDeliveries(_client.Object, Options.Create(Settings));
    }

    [Fact]
    public async Task StartAsync_NewEvent_StartsTheDeliveryOrchestratorWithTheConfiguredScheduleAndWindow()
    {
        await Deliveries().StartAsync(Input, onlyIfNew: true, default);

        Assert.Equal(nameof(DeliverWebhookOrchestrator), _name?.Name);
        var input = Assert.IsType<DeliverWebhookInput>(_input);
        Assert.Equal(
            (Input.EventId, Settings.RetrySchedule, Settings.EndpointWindow),
            (input.EventId, input.Schedule, input.EndpointWindow)
        );
    }

    [Fact]
    public async Task StartAsync_OnlyIfNew_IsRefusedByAnInstanceInAnyState_FinishedOnesIncluded()
    {
        await Deliveries().StartAsync(Input, onlyIfNew: true, default);

        Assert.Equal(Input.EventId, _options!.InstanceId);
        foreach (var status in new[] { "Pending", "Running", "Suspended", "Completed", "Failed", "Terminated" })
        {
            Assert.Contains(status, _options.DedupeStatuses!);
        }
    }

    [Fact]
    public async Task StartAsync_Redelivery_LeavesFinishedInstancesReplaceable()
    {
        await Deliveries().StartAsync(Input, onlyIfNew: false, default);

        Assert.Equal(Input.EventId, _options!.InstanceId);
        Assert.Null(_options.DedupeStatuses);
    }

    [Fact]
    public async Task StartAsync_InstanceExists_IsDoneWithoutError()
    {
        var deliveries = Deliveries();
        _client
            .Setup(c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                )
            )
            .ThrowsAsync(new OrchestrationAlreadyExistsException("exists"));

        await deliveries.StartAsync(Input, onlyIfNew: true, default);

        _client.Verify(
            c =>
                c.ScheduleNewOrchestrationInstanceAsync(
                    It.IsAny<TaskName>(),
                    It.IsAny<object?>(),
                    It.IsAny<StartOrchestrationOptions?>(),
                    It.IsAny<CancellationToken>()
                ),
            Times.Once
        );
    }
}
