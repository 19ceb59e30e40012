using System.Text.Json;
using Microsoft.DurableTask.Client;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;
using Moq;
using Peeker.Activities.Cloudflare;
using Peeker.Activities.Common;
using Peeker.Activities.Google;
using Peeker.Activities.Orders;
using Peeker.Activities.Providers;
using Peeker.Activities.Provisioning;
using Peeker.Activities.Swaps;
using Peeker.Functions.Hosting;
using Peeker.Functions.Orchestrations;
using Peeker.Tests.Activities;
using Peeker.Tests.Activities.Provisioning;
using Peeker.Tests.Activities.Webhooks;
using Peeker.Tests.Durable.Support;
using Peeker.Tests.Support;

namespace Peeker.Tests.Functions.Orchestrations;

/// <summary>
/// A pending action from its opening to <c>resolved</c> in the real engine (DTFx on Azurite) with the real
/// <see cref="OpenPendingAction"/>, <see cref="CheckPendingAction"/> and stores; only Google's photo endpoint is faked,
/// rejecting pictures until the test lets it accept them.
/// </summary>
public sealed class PendingActionCheckOrchestratorTests(AzuriteFixture azurite) : IClassFixture<AzuriteFixture>
{
    private const string Partner = "ptn_pendingactioncheck";

    [Fact]
    public async Task Action_PictureStartsWorking_TheRecheckResolvesItAndTheOrderLeavesActionRequired()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString, TimeSpan.FromSeconds(1));
        var (order, actionId) = await rig.OpenAsync();
        var whileOpen = await rig.Orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default);
        await rig.WaitForChecksAsync(actionId, 2);
        var stillOpen = await rig.Actions.GetAsync(PeekerEnvironment.Test, Partner, actionId, default);

        rig.AcceptPhotos = true;
        var finished = await rig.Host.WaitAsync(PendingActionCheckOrchestrator.InstanceId(actionId));
        var resolved = await rig.Actions.GetAsync(PeekerEnvironment.Test, Partner, actionId, default);
        var after = await rig.Orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default);

        Assert.Equal(OrderStatus.ActionRequired, whileOpen!.Status);
        Assert.Equal([actionId], whileOpen.OpenActions);
        Assert.Equal(PendingActionStatus.Open, stillOpen!.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished.RuntimeStatus);
        Assert.True(finished.ReadOutputAs<bool>());
        Assert.Equal(PendingActionStatus.Resolved, resolved!.Status);
        Assert.NotNull(resolved.ResolvedAt);
        Assert.Equal(OrderStatus.InProgress, after!.Status);
        Assert.Empty(after.OpenActions ?? []);
        Assert.Contains(rig.Webhooks.Published, p => p.Type == "order.action_required");
    }

    [Fact]
    public async Task Action_PartnerSuppliesAFix_ResolvedAtOnceNotAtTheNextHourlyCheck_AndTheOrderGoesBackToCompleted()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString, TimeSpan.FromHours(1));
        var (order, actionId) = await rig.OpenAsync();
        await rig.WaitForChecksAsync(actionId, 1);
        // Provisioning finishes while the action is open: the order stays action_required and remembers completed.
        await rig.Orders.UpdateAsync(PeekerEnvironment.Test, order.Id, o => o.WithProvisioningStatus(OrderStatus.Completed), default);
        var completedWhileOpen = await rig.Orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default);

        rig.AcceptPhotos = true;
        var resolution = new PendingActionResolution(
            rig.Actions,
            rig.Orders,
            new DurableOrderWorkflows(rig.Host.Client, Options.Create(new SwapOptions()))
        );
        var answer = await resolution.ResolveAsync(
            new ProviderScope(PeekerEnvironment.Test, Partner),
            actionId,
            "https://cdn.example/ada-public.png",
            default
        );
        var finished = await rig.Host.WaitAsync(PendingActionCheckOrchestrator.InstanceId(actionId));
        var resolved = await rig.Actions.GetAsync(PeekerEnvironment.Test, Partner, actionId, default);
        var after = await rig.Orders.GetByIdAsync(PeekerEnvironment.Test, order.Id, default);

        Assert.Equal(OrderStatus.ActionRequired, completedWhileOpen!.Status);
        Assert.Equal(PendingActionStatus.Open, answer.Status);
        Assert.Equal(OrchestrationRuntimeStatus.Completed, finished.RuntimeStatus);
        Assert.Equal(PendingActionStatus.Resolved, resolved!.Status);
        Assert.Equal("https://cdn.example/ada-public.png", resolved.User!.ProfilePictureUrl);
        Assert.Equal(OrderStatus.Completed, after!.Status);
        Assert.Equal("https://cdn.example/ada-public.png", after.Personas[0].ProfilePictureUrl);
    }

    [Fact]
    public async Task Action_OrderCancelledWhileOpen_TheLoopStopsAndTheRowStaysOpen()
    {
        await using var rig = await Rig.StartAsync(azurite.ConnectionString, TimeSpan.FromSeconds(1));
        var (order, actionId) = await rig.OpenAsync();
        await rig.WaitForChecksAsync(actionId, 1);

        await rig.Orders.SetStatusAsync(PeekerEnvironment.Test, order.Id, OrderStatus.CancelScheduled, default);
        var finished = await rig.Host.WaitAsync(PendingActionCheckOrchestrator.InstanceId(actionId));

        Assert.False(finished.ReadOutputAs<bool>());
        Assert.Equal(PendingActionStatus.Open, (await rig.Actions.GetAsync(PeekerEnvironment.Test, Partner, actionId, default))!.Status);
    }

    /// <summary>The engine, the stores and a Google whose photo endpoint rejects until <see cref="AcceptPhotos"/>.</summary>
    private sealed class Rig : IAsyncDisposable
    {
        private volatile bool _accept;

        private Rig(DurableTestHost host, PeekerTables tables)
        {
            Host = host;
            Orders = new OrderStore(tables);
            Actions = new PendingActionStore(tables);
        }

        public DurableTestHost Host { get; }

        public OrderStore Orders { get; }

        public PendingActionStore Actions { get; }

        public RecordingWebhookPublisher Webhooks { get; } = new();

        public bool AcceptPhotos
        {
            get => _accept;
            set => _accept = value;
        }

        public static async Task<Rig> StartAsync(string connectionString, TimeSpan interval)
        {
            var tables = await TestTables.CreateAsync(connectionString);
            Rig? rig = null;
            var google = new Mock<IGoogleWorkspaceClient>();
            google
                .Setup(g =>
                    g.SetProfilePhotoAsync(
                        It.IsAny<string>(),
                        It.IsAny<ReadOnlyMemory<byte>>(),
                        It.IsAny<string>(),
                        It.IsAny<CancellationToken>()
                    )
                )
                .Returns(() =>
                    rig!.AcceptPhotos
                        ? Task.CompletedTask
                        : Task.FromException(new ProviderException(ProviderNames.Google, "invalid", "Invalid photo", isRetryable: false))
                );
            var factory = new Mock<IGoogleWorkspaceClientFactory>();
            factory.Setup(f => f.Create(It.IsAny<ProviderScope>())).Returns(google.Object);
            var host = await DurableTestHost.StartAsync(
                connectionString,
                r => r.AddOrchestrator<PendingActionCheckOrchestrator>().AddActivity<CheckPendingAction>(),
                configureServices: s =>
                {
                    s.AddSingleton(tables).AddSingleton<OrderStore>().AddSingleton<PendingActionStore>();
                    s.AddSingleton(factory.Object).AddSingleton(TimeProvider.System).AddHttpClient();
                    s.AddSingleton(Mock.Of<ICloudflareClientFactory>());
                    s.AddOptions<ProvisioningOptions>().Configure(o => o.PendingActionRecheckInterval = interval);
                }
            );
            rig = new Rig(host, tables);
            return rig;
        }

        /// <summary>Stores an in-progress order and opens a picture action on it through the real activity (which starts the loop).</summary>
        public async Task<(Order Order, string ActionId)> OpenAsync()
        {
            var order = await TestOrders.CreateAsync(Orders, Partner, "acme-mail.com");
            var activity = new OpenPendingAction(
                Orders,
                Actions,
                Webhooks,
                new DurableOrderWorkflows(Host.Client, Options.Create(new SwapOptions())),
                new FakeTimeProvider()
            );
            var input = new OpenPendingActionInput(
                new OrderRef(order.Id, PeekerEnvironment.Test, Partner),
                order.Domains[0].Id,
                "acme-mail.com",
                "ada@acme-mail.com",
                CreateInbox.PictureNotAccessible
            );
            var opened = await activity.RunAsync(new TestActivityContext(nameof(OpenPendingAction), order.Id), input);
            return (order, opened.PendingActionId);
        }

        /// <summary>Waits until the loop has run <paramref name="checks"/> checks (each execution after a continue-as-new counts one).</summary>
        public async Task WaitForChecksAsync(string actionId, int checks)
        {
            using var cts = new CancellationTokenSource(TimeSpan.FromSeconds(90));
            while (true)
            {
                var instance = await Host.Client.GetInstanceAsync(PendingActionCheckOrchestrator.InstanceId(actionId), false, cts.Token);
                if (
                    instance?.SerializedCustomStatus is { Length: > 0 } status
                    && JsonDocument.Parse(status).RootElement is { ValueKind: JsonValueKind.Object } parsed
                    && parsed.GetProperty("checks").GetInt32() >= checks
                )
                {
                    return;
                }

                await Task.Delay(50, cts.Token);
            }
        }

        public ValueTask DisposeAsync() => Host.DisposeAsync();
    }
}
