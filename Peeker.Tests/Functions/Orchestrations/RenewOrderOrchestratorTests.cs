using System.Text.Json;
using Microsoft.DurableTask;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Moq;
using Peeker.Activities.Common;
using Peeker.Activities.Orders;
using Peeker.Activities.Swaps;
using Peeker.Functions.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Activities;
using Peeker.Tests.Activities.Provisioning;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// The renewal loop in the real engine (DTFx on Azurite) with the real <see cref="RenewOrder"/> activity and a renewal
/// period of two seconds; the activity's arithmetic on its own; the loop's decisions (timer, continue-as-new) on a
/// mocked context.
/// </summary>
public sealed class RenewOrderOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_renewals";
    private static readonly TimeSpan Period = TimeSpan.FromSeconds(2);

    [Fact]
    public async Task Loop_RenewsAtAdvancesEachPeriod_StartedOncePerOrder_StopsWhenCancellationIsAccepted()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        await using var host = await DurableTestHost.StartAsync(
            azurite.ConnectionString,
            r => r.AddOrchestrator<RenewOrderOrchestrator>().AddActivity<RenewOrder>(),
            configureServices: s =>
            {
                s.AddSingleton(tables).AddSingleton<OrderStore>();
                s.AddOptions<PeekerOptions>().Configure(o => o.RenewalPeriod = Period);
            }
        );
        var order = await TestOrders.CreateAsync(orders, Partner, "renew-me.com");
        var first = TimeProvider.System.GetUtcNow() + Period;
        await orders.UpdateAsync(PeekerEnvironment.Test, order.Id, o => o with { RenewsAt = first }, default);
        var workflows = new DurableOrderWorkflows(host.Client, Options.Create(new SwapOptions()));

        await workflows.StartRenewalsAsync(PeekerEnvironment.Test, order.Id, 0, default);
        await workflows.StartRenewalsAsync(PeekerEnvironment.Test, order.Id, 0, default);
        var instanceId = RenewOrderOrchestrator.InstanceId(order.Id, 0);
        var renewed = await WaitForRenewalsAsync(host, instanceId, 2);
        var advanced = (await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default))!.RenewsAt;
        await orders.SetStatusAsync(PeekerEnvironment.Test, order.Id, OrderStatus.CancelScheduled, default);
        var finished = await host.WaitAsync(instanceId);
        var final = (await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default))!.RenewsAt;

        Assert.True(renewed >= 2);
        Assert.True(advanced >= first + (2 * Period), $"renews_at {advanced:O} should be at least two periods after {first:O}");
        Assert.Equal(0, (advanced - first).Ticks % Period.Ticks);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished.RuntimeStatus);
        Assert.True(final <= advanced + Period, "the loop stopped at its next wake-up at the latest");
        var instances = new List<string>();
        await foreach (var instance in host.Client.GetAllInstancesAsync(new OrchestrationQuery { InstanceIdPrefix = order.Id }))
        {
            instances.Add(instance.InstanceId);
        }

        Assert.Equal([instanceId], instances);
    }

    [Fact]
    public async Task RenewOrder_PeriodsMissed_AdvancesPastNowOnce_ThenWritesNothing_AndAFailedOrderStops()
    {
        var tables = await TestTables.CreateAsync(azurite.ConnectionString);
        var orders = new OrderStore(tables);
        var activity = new RenewOrder(orders, Options.Create(new PeekerOptions { RenewalPeriod = TimeSpan.FromDays(30) }));
        var order = await TestOrders.CreateAsync(orders, Partner, "renew-late.com");
        var start = new DateTimeOffset(2026, 1, 1, 12, 0, 0, TimeSpan.Zero);
        await orders.UpdateAsync(PeekerEnvironment.Test, order.Id, o => o with { RenewsAt = start }, default);
        var now = start.AddDays(65).UtcDateTime;
        var context = new TestActivityContext(nameof(RenewOrder), order.Id);

        var late = await activity.RunAsync(context, new RenewOrderInput(order.Id, PeekerEnvironment.Test, now));
        var again = await activity.RunAsync(context, new RenewOrderInput(order.Id, PeekerEnvironment.Test, now));
        await orders.SetStatusAsync(PeekerEnvironment.Test, order.Id, OrderStatus.Failed, default);
        var failed = await activity.RunAsync(context, new RenewOrderInput(order.Id, PeekerEnvironment.Test, now.AddDays(60)));

        Assert.Equal((false, start.AddDays(90), 3), (late.Stop, late.RenewsAt, late.PeriodsAdvanced));
        Assert.Equal((false, start.AddDays(90), 0), (again.Stop, again.RenewsAt, again.PeriodsAdvanced));
        Assert.True(failed.Stop);
        Assert.Equal(start.AddDays(90), (await orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default))!.RenewsAt);
    }

    [Fact]
    public async Task Run_OrderStillLive_WaitsUntilRenewsAtThenContinuesAsNew()
    {
        var now = new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc);
        var renewsAt = new DateTimeOffset(2027, 1, 1, 3, 0, 0, TimeSpan.Zero);
        var context = Context(now);
        context
            .Setup(c => c.CallActivityAsync<RenewOrderResult>(nameof(RenewOrder), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new RenewOrderResult(false, renewsAt, 1));

        await new RenewOrderOrchestrator().RunAsync(context.Object, new RenewOrderLoopInput("ord_x", PeekerEnvironment.Live, 4));

        context.Verify(
            c =>
                c.CallActivityAsync<RenewOrderResult>(
                    nameof(RenewOrder),
                    It.Is<RenewOrderInput>(i => i.OrderId == "ord_x" && i.Now == now),
                    It.IsAny<TaskOptions?>()
                ),
            Times.Once
        );
        context.Verify(c => c.CreateTimer(renewsAt.UtcDateTime, CancellationToken.None), Times.Once);
        context.Verify(c => c.ContinueAsNew(new RenewOrderLoopInput("ord_x", PeekerEnvironment.Live, 5), false), Times.Once);
    }

    [Fact]
    public async Task Run_OrderNoLongerRenews_EndsWithoutTimerOrContinueAsNew()
    {
        var context = Context(new DateTime(2026, 12, 1, 3, 0, 0, DateTimeKind.Utc));
        context
            .Setup(c => c.CallActivityAsync<RenewOrderResult>(nameof(RenewOrder), It.IsAny<object?>(), It.IsAny<TaskOptions?>()))
            .ReturnsAsync(new RenewOrderResult(true, default, 0));

        var renewals = await new RenewOrderOrchestrator().RunAsync(
            context.Object,
            new RenewOrderLoopInput("ord_x", PeekerEnvironment.Live, 4)
        );

        Assert.Equal(4, renewals);
        context.Verify(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>()), Times.Never);
        context.Verify(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()), Times.Never);
    }

    private static Mock<TaskOrchestrationContext> Context(DateTime now)
    {
        var context = new Mock<TaskOrchestrationContext>(MockBehavior.Strict);
        context.SetupGet(c => c.CurrentUtcDateTime).Returns(now);
        context.Setup(c => c.SetCustomStatus(It.IsAny<object?>()));
        context.Setup(c => c.CreateTimer(It.IsAny<DateTime>(), It.IsAny<CancellationToken>())).Returns(Task.CompletedTask);
        context.Setup(c => c.ContinueAsNew(It.IsAny<object?>(), It.IsAny<bool>()));
        return context;
    }

    /// <summary>Waits until the loop's custom status counts <paramref name="renewals"/> renewals; returns the count.</summary>
    private static async Task<int> WaitForRenewalsAsync(DurableTestHost host, string instanceId, int renewals)
    {
        using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
        while (true)
        {
            var instance = await host.Client.GetInstanceAsync(instanceId, false, cts.Token);
            if (
                instance?.SerializedCustomStatus is { Length: > 0 } status
                && JsonDocument.Parse(status).RootElement is { ValueKind: JsonValueKind.Object } parsed
                && parsed.GetProperty("renewals").GetInt32() is var count
                && count >= renewals
            )
            {
                return count;
            }

            await Task.Delay(50, cts.Token);
        }
    }
}
