using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Peeker.Activities.Providers;
using Peeker.Activities.Smartlead;
using Peeker.Tests.Sandbox;

namespace Peeker.Tests.Activities.Smartlead;

/// <summary>An order's <c>sequencer.client_id</c> checked against the agency's Smartlead clients (the simulator over HTTP).</summary>
[Collection(SandboxServerGroup.Name)]
public sealed class SequencerClientsTests(SandboxServerFixture sandbox)
{
    private ISequencerClients Clients => sandbox.Providers.GetRequiredService<ISequencerClients>();

    [Fact]
    public async Task CheckAsync_ClientOfTheAgency_IsKnown()
    {
        Assert.Equal(SequencerClientStatus.Known, await Clients.CheckAsync(SandboxServerFixture.NewPartner(), 366903, default));
    }

    [Fact]
    public async Task CheckAsync_ClientSmartleadDoesNotList_IsUnknown()
    {
        Assert.Equal(SequencerClientStatus.Unknown, await Clients.CheckAsync(SandboxServerFixture.NewPartner(), 404404, default));
    }

    [Fact]
    public async Task CheckAsync_SmartleadCannotAnswer_IsUnverifiedSoTheOrderGoesAhead()
    {
        var clients = new SmartleadSequencerClients(
            new FailingSmartlead(),
            TimeProvider.System,
            NullLogger<SmartleadSequencerClients>.Instance
        );

        Assert.Equal(SequencerClientStatus.Unverified, await clients.CheckAsync(SandboxServerFixture.NewPartner(), 7, default));
    }

    [Fact]
    public async Task ListClientsAsync_Simulator_ListsTheSandboxAgencysClients()
    {
        var listed = await sandbox
            .Providers.GetRequiredService<ISmartleadClientFactory>()
            .Create(SandboxServerFixture.NewPartner())
            .ListClientsAsync(default);

        Assert.Equal(3000, listed.Count);
        Assert.Contains(listed, c => c.Id == 2999);
        Assert.Contains(listed, c => c.Id == 366903);
        Assert.DoesNotContain(listed, c => c.Id == 404404);
    }

    [Fact]
    public async Task CheckAsync_KeepsTheListFiveMinutes_AsksAgainForAnIdItLacks()
    {
        var time = new global::Microsoft.Extensions.Time.Testing.FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 12, 0, 0, TimeSpan.Zero));
        var smartlead = new CountingSmartlead();
        var clients = new SmartleadSequencerClients(smartlead, time, NullLogger<SmartleadSequencerClients>.Instance);
        var scope = SandboxServerFixture.NewPartner();

        await clients.CheckAsync(scope, 7, default);
        await clients.CheckAsync(scope, 7, default);
        var kept = smartlead.Calls;
        smartlead.Ids.Add(8);
        var added = await clients.CheckAsync(scope, 8, default);
        time.Advance(SmartleadSequencerClients.CacheFor);
        await clients.CheckAsync(scope, 7, default);

        Assert.Equal(1, kept);
        Assert.Equal(SequencerClientStatus.Known, added);
        Assert.Equal(3, smartlead.Calls);
    }

    private sealed class CountingSmartlead : ISmartleadClientFactory, ISmartleadClient
    {
        public HashSet<long> Ids { get; } = [7];

        public int Calls { get; private set; }

        public ISmartleadClient Create(ProviderScope scope, string? apiKey = null) => this;

        public Task<IReadOnlyList<SmartleadClientInfo>> ListClientsAsync(CancellationToken cancellationToken)
        {
            Calls++;
            return Task.FromResult<IReadOnlyList<SmartleadClientInfo>>([.. Ids.Select(id => new SmartleadClientInfo(id, null))]);
        }

        public Task<SmartleadAccount> SaveEmailAccountAsync(SmartleadEmailAccount account, CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<IReadOnlyList<SmartleadAccount>> ListEmailAccountsAsync(CancellationToken cancellationToken) =>
            throw new NotSupportedException();

        public Task<bool> DeleteEmailAccountAsync(long accountId, CancellationToken cancellationToken) => throw new NotSupportedException();

        public Task<SmartleadAccount> UpdateEmailAccountAsync(
            long accountId,
            SmartleadAccountUpdate update,
            CancellationToken cancellationToken
        ) => throw new NotSupportedException();
    }

    private sealed class FailingSmartlead : ISmartleadClientFactory
    {
        public ISmartleadClient Create(ProviderScope scope, string? apiKey = null) =>
            throw new ProviderException(ProviderNames.Smartlead, "http_503", "Service Unavailable", isRetryable: true);
    }
}
