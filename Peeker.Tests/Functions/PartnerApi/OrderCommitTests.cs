using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Peeker.Activities.Common;
using Peeker.Activities.Domains;
using Peeker.Activities.Orders;
using static Peeker.Tests.Functions.PartnerApi.OrderTestKit;

namespace Peeker.Tests.Functions.PartnerApi;

/// <summary>Placing an order once its domains are claimed: a client disconnect undoes nothing, and a replay starts a lost start.</summary>
[Collection(PartnerApiGroup.Name)]
public sealed class OrderCommitTests(PartnerApiFixture fixture)
{
    [Fact]
    public async Task Create_ClientDisconnectsWhileProvisioningStarts_OrderStaysPlaced()
    {
        var partner = await fixture.NewPartnerAsync();
        var gate = new GatedWorkflows();
        await using var factory = fixture
            .CreateFactory()
            .WithWebHostBuilder(b => b.ConfigureTestServices(s => s.AddSingleton<IOrderWorkflows>(gate)));
        using var http = factory.CreateClient();
        http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", partner.TestKey);
        var domains = Domains(2);
        using var body = new StringContent(
            CustomOrder("disconnect@example.com", 2, 1, 2, domains).ToJsonString(),
            Encoding.UTF8,
            "application/json"
        );
        using var disconnect = new CancellationTokenSource();

        var sending = http.PostAsync(new Uri("/partner/v1/orders", UriKind.Relative), body, disconnect.Token);
        var orderId = await gate.Started.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await disconnect.CancelAsync();
        gate.Release.SetResult();
        await gate.Finished.Task.WaitAsync(TimeSpan.FromMinutes(1));
        await Record.ExceptionAsync(() => sending.WaitAsync(TimeSpan.FromMinutes(1)));

        Assert.True(gate.Succeeded, "the engine call observed the client's disconnect");
        var order = await partner.Test.GetAsync($"/partner/v1/orders/{orderId}");
        Assert.Equal("in_progress", order.Data.GetProperty("status").GetString());
        Assert.NotNull(await fixture.Service<ISequencerCredentialStore>().GetAsync(PeekerEnvironment.Test, orderId, default));
        Assert.Equal(orderId, await fixture.Service<DomainStore>().ActiveOrderOfAsync(PeekerEnvironment.Test, domains[0], default));
    }

    [Fact]
    public async Task Create_ReplayOfAnInProgressOrder_StartsItsProvisioningAgain()
    {
        var partner = await fixture.NewPartnerAsync();
        var body = CustomOrder("replay@example.com", 2, 1, 2, Domains(2)).ToJsonString();
        var first = await partner.Test.PostAsync("/partner/v1/orders", body);
        var id = first.Data.GetProperty("id").GetString();

        var replay = await partner.Test.PostAsync("/partner/v1/orders", body);

        Assert.Equal((HttpStatusCode.OK, id), (replay.Status, replay.Data.GetProperty("id").GetString()));
        Assert.Equal(2, fixture.Workflows.Provisioned.Count(p => p.OrderId == id));
    }

    /// <summary>Holds the provisioning start until released, then behaves like the engine client: it honours the token it was given.</summary>
    private sealed class GatedWorkflows : IOrderWorkflows
    {
        public TaskCompletionSource<string> Started { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Release { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public bool Succeeded { get; private set; }

        public async Task StartProvisioningAsync(PeekerEnvironment env, string orderId, CancellationToken cancellationToken)
        {
            Started.TrySetResult(orderId);
            await Release.Task;
            try
            {
                if (cancellationToken.CanBeCanceled)
                {
                    // A cancellable token here is the request's: wait for the disconnect to reach it.
                    await Task.Delay(TimeSpan.FromSeconds(30), cancellationToken);
                }

                Succeeded = true;
            }
            finally
            {
                Finished.TrySetResult();
            }
        }

        public Task ScheduleCancellationAsync(
            PeekerEnvironment env,
            string orderId,
            IReadOnlyList<string>? domains,
            DateTimeOffset cancelsAt,
            CancellationToken cancellationToken
        ) => Task.CompletedTask;

        public Task StartProvisioningRetryAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task StartImportAsync(PeekerEnvironment env, string partnerId, string importId, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task StartForwardingJobAsync(PeekerEnvironment env, string partnerId, string jobId, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task StartPendingActionCheckAsync(
            PeekerEnvironment env,
            string partnerId,
            string actionId,
            CancellationToken cancellationToken
        ) => Task.CompletedTask;

        public Task NotifyPendingActionFixAsync(
            PeekerEnvironment env,
            string partnerId,
            string actionId,
            CancellationToken cancellationToken
        ) => Task.CompletedTask;

        public Task StartRenewalsAsync(PeekerEnvironment env, string orderId, int attempt, CancellationToken cancellationToken) =>
            Task.CompletedTask;

        public Task StartSwapAsync(PeekerEnvironment env, string partnerId, string swapId, CancellationToken cancellationToken) =>
            Task.CompletedTask;
    }
}
